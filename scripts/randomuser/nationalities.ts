/**
 * Per-nationality data and formats of randomuser.me v1.4. Each nationality has the same shape
 * (lists + postcode/phone/cell/id rules), so adding one never touches the others.
 *
 * Formats were read from the real generator's per-nationality rules and checked against real
 * 1.4 responses (see README.md). The name/street/city lists are small samples of real ones;
 * scripts follow the real API: Persian for IR, Latin (with diacritics) everywhere else.
 */
import { type SeededRandom, NON_ZERO_ONE, UPPER } from './prng';
import type { Gender, RandomUserNationalId } from '../../layers/domain/randomuser';
import type { NatCode } from './types';

/** What an id rule may depend on besides randomness. */
export interface IdentityFacts {
  gender: Gender;
  last: string;
  dob: Date;
}

export interface Nationality {
  code: NatCode;
  country: string;
  maleFirst: readonly string[];
  femaleFirst: readonly string[];
  last: readonly string[];
  streets: readonly string[];
  cities: readonly string[];
  states: readonly string[];
  /** Replaces the common titles (Mr; Miss/Mrs/Ms) where the real data has its own. */
  title?: (gender: Gender, r: SeededRandom) => string;
  postcode: (r: SeededRandom) => number | string;
  phone: (r: SeededRandom) => string;
  cell: (r: SeededRandom) => string;
  id: (r: SeededRandom, facts: IdentityFacts) => RandomUserNationalId;
}

const fiveDigits = (r: SeededRandom): number => r.int(10000, 99999);
const noId = (): RandomUserNationalId => ({ name: '', value: null });
const pad2 = (n: number): string => String(n).padStart(2, '0');
/** Date#getYear(): years since 1900, so 2001 gives "101" (the real ids carry that). */
const yearsSince1900 = (d: Date): number => d.getUTCFullYear() - 1900;

const SSN_RULE = /^(?!219-09-9999|078-05-1120)(?!666|000|9\d{2})\d{3}-(?!00)\d{2}-(?!0{4})\d{4}$/;

function canadianSinIsValid(sin: string): boolean {
  const weights = '121212121';
  let sum = 0;
  for (let i = 0; i < sin.length; i++) {
    let product = Number(sin[i]) * Number(weights[i]);
    if (product >= 10) product = Math.floor(product / 10) + (product % 10);
    sum += product;
  }
  return sum % 10 === 0;
}

function norwegianCheckDigit(weights: readonly number[], digits: string): string | null {
  let sum = 0;
  weights.forEach((w, i) => (sum += w * Number(digits[i])));
  const rest = sum % 11;
  if (rest === 0) return '0';
  // A remainder of 1 gives "10": the real rule then rejects the number and draws again.
  return String(11 - rest);
}

function norwegianFodselsnummer(r: SeededRandom, dob: Date, gender: Gender): string {
  const iso = dob.toISOString();
  const birth = iso.slice(8, 10) + iso.slice(5, 7) + iso.slice(2, 4);
  const year = dob.getUTCFullYear();
  for (;;) {
    let individual = year >= 2000 ? 999 - r.int(0, 499) : year <= 1899 ? 749 - r.int(0, 249) : 499 - r.int(0, 499);
    const odd = (individual & 1) === 1;
    if ((odd && gender !== 'male') || (!odd && gender === 'male')) individual--;
    const nine = birth + String(individual).padStart(3, '0');
    const k1 = norwegianCheckDigit([3, 7, 6, 1, 8, 9, 4, 5, 2], nine);
    const k2 = k1 === null ? null : norwegianCheckDigit([5, 4, 3, 2, 7, 6, 5, 4, 3, 2], nine + k1);
    const full = `${nine}${k1}${k2}`;
    if (full.length === 11 && !full.endsWith('0')) return full;
  }
}

const GERMAN_PENSION_AREAS = [
  '02', '03', '04', '08', '09', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21',
  '23', '24', '25', '26', '28', '29', '38', '39', '40', '42', '43', '44', '45', '46', '47', '48', '49',
  '50', '51', '52', '53', '54', '55', '56', '57', '58', '59', '60', '61', '62', '63', '64', '65', '66',
  '67', '68', '69', '70', '71', '72', '73', '74', '75', '76', '77', '78', '79', '80', '81', '82', '89',
];

const UK_POSTCODE_TAIL = 'ABDEFGHJLNPQRSTUWXYZ';
const UA_OPERATORS = ['66', '67', '68', '96', '97', '98', '99'];

function britishPhone(r: SeededRandom): string {
  const n = r.int(0, 17);
  switch (n) {
    case 0: return `01${r.digits(3)} ${r.digits(5)}`;
    case 1: return `01${r.digits(3)} ${r.digits(6)}`;
    case 2: return `011${r.digits(1)}${r.digits(3)} ${r.digits(3)} ${r.digits(4)}`;
    case 3: return `01${r.digits(1)}1 ${r.digits(3)} ${r.digits(4)}`;
    case 17: return `02${r.digits(1)} ${r.digits(4)} ${r.digits(4)}`;
    default: {
      const areas = ['013873', '015242', '015394', '015395', '015396', '016973', '016974', '016977', '016977', '017683', '017684', '017687', '019467'];
      const area = areas[n - 4] as string;
      return `${area} ${r.digits(n === 11 ? 4 : 5)}`;
    }
  }
}

function britishPostcode(r: SeededRandom): string {
  const tail = (): string => `${r.digits(1)}${r.chars(UK_POSTCODE_TAIL, 2)}`;
  switch (r.int(0, 5)) {
    case 0: return `${r.chars(UPPER, 1)}${r.digits(1)} ${tail()}`;
    case 1: return `${r.chars(UPPER, 2)}${r.digits(1)} ${tail()}`;
    case 2: return `${r.chars(UPPER, 1)}${r.digits(2)} ${tail()}`;
    case 3: return `${r.chars(UPPER, 2)}${r.digits(2)} ${tail()}`;
    case 4: return `${r.chars(UPPER, 2)}${r.digits(1)}${r.chars(UPPER, 1)} ${tail()}`;
    default: return `${r.chars(UPPER, 1)}${r.digits(1)}${r.chars(UPPER, 1)} ${tail()}`;
  }
}

const AU: Nationality = {
  code: 'AU',
  country: 'Australia',
  maleFirst: ['Jack', 'Oliver', 'William', 'Noah', 'Thomas', 'James', 'Lucas', 'Ethan', 'Liam', 'Mason', 'Riley', 'Cooper', 'Harrison', 'Elijah', 'Ron'],
  femaleFirst: ['Charlotte', 'Olivia', 'Ava', 'Mia', 'Isla', 'Grace', 'Chloe', 'Sophie', 'Emily', 'Ruby', 'Zoe', 'Ella', 'Suzanne', 'Yolanda', 'Christy'],
  last: ['Smith', 'Jones', 'Williams', 'Brown', 'Wilson', 'Taylor', 'Johnson', 'White', 'Martin', 'Anderson', 'Thompson', 'Watts', 'Hawkins', 'Medina', 'Richardson', 'Diaz', 'Chambers', 'Walker', 'Harris', 'Ryan'],
  streets: ['Lakeview St', 'Samaritan Dr', 'W Gray St', 'Karen Dr', 'Wycliff Ave', 'Cherry St', 'Hamilton Ave', 'Mockingbird Ln', 'Fairview St', 'Oak Lawn Ave', 'Park Road', 'Spring Hill Rd'],
  cities: ['Adelaide', 'Kalgoorlie', 'Tamworth', 'Hobart', 'Bunbury', 'Bathurst', 'Wollongong', 'Geelong', 'Cairns', 'Darwin', 'Toowoomba', 'Ballarat', 'Mackay', 'Orange'],
  states: ['New South Wales', 'Victoria', 'Queensland', 'Western Australia', 'South Australia', 'Tasmania', 'Northern Territory', 'Australian Capital Territory'],
  postcode: (r) => r.int(200, 9999),
  phone: (r) => `0${r.int(0, 9)}-${r.int(0, 9)}${r.digits(3)}-${r.digits(4)}`,
  cell: (r) => `04${r.digits(2)}-${r.digits(3)}-${r.digits(3)}`,
  id: (r) => ({ name: 'TFN', value: r.digits(9) }),
};

const BR: Nationality = {
  code: 'BR',
  country: 'Brazil',
  maleFirst: ['Amândio', 'Caetano', 'Joaquim', 'Vicente', 'Rodrigo', 'Thiago', 'Gustavo', 'Leandro', 'Murilo', 'Ivan', 'Otaviano', 'Ubiratã', 'Dário', 'Heitor', 'Zacarias'],
  femaleFirst: ['Etiene', 'Luzia', 'Marilene', 'Ivone', 'Lívia', 'Nicoli', 'Jaqueline', 'Alícia', 'Denise', 'Tábata', 'Cristina', 'Catarina', 'Rebeca', 'Adriana', 'Iraci'],
  last: ['da Cunha', 'Oliveira', 'Silva', 'Souza', 'Lima', 'Pereira', 'Carvalho', 'Gomes', 'Ribeiro', 'Martins', 'Costa', 'Rocha', 'Almeida', 'Nascimento', 'Araújo', 'Barbosa', 'Moreira', 'Mendes', 'Teixeira', 'Cardoso'],
  // The real list keeps trailing spaces on some street names; so do we.
  streets: ['Rua Castro Alves ', 'Rua Paraná ', 'Rua São Paulo ', 'Rua Dois', 'Rua Sete de Setembro ', 'Rua da Paz ', 'Rua Santa Luzia ', 'Avenida Brasil', 'Rua Rio de Janeiro ', 'Rua Quinze de Novembro ', 'Rua Minas Gerais ', 'Rua Santos Dumont '],
  cities: ['Juiz de Fora', 'Manaus', 'Belo Horizonte', 'Curitiba', 'Fortaleza', 'Salvador', 'Recife', 'Campinas', 'Goiânia', 'Belém', 'Niterói', 'Sorocaba', 'Londrina', 'Petrópolis'],
  states: ['Distrito Federal', 'Espírito Santo', 'Minas Gerais', 'São Paulo', 'Bahia', 'Paraná', 'Rio Grande do Sul', 'Pernambuco', 'Ceará', 'Amazonas', 'Goiás', 'Santa Catarina', 'Rio de Janeiro', 'Pará'],
  postcode: fiveDigits,
  phone: (r) => `(${r.digits(2)}) ${r.digits(4)}-${r.digits(4)}`,
  cell: (r) => `(${r.digits(2)}) ${r.digits(4)}-${r.digits(4)}`,
  id: (r) => ({ name: 'CPF', value: `${r.digits(3)}.${r.digits(3)}.${r.digits(3)}-${r.digits(2)}` }),
};

const CA: Nationality = {
  code: 'CA',
  country: 'Canada',
  maleFirst: ['Elliot', 'Matthew', 'Victor', 'Carter', 'Liam', 'Noah', 'William', 'Benjamin', 'Logan', 'Jacob', 'Ethan', 'Owen', 'Nathan', 'Samuel', 'Félix'],
  femaleFirst: ['Megan', 'Delphine', 'Sophie', 'Chloe', 'Emma', 'Olivia', 'Charlotte', 'Léa', 'Juliette', 'Maëlle', 'Abigail', 'Hannah', 'Isabella', 'Madison', 'Zoe'],
  last: ['Chan', 'Bouchard', 'Ambrose', 'Williams', 'Anderson', 'Tremblay', 'Gagnon', 'Roy', 'Côté', 'Gauthier', 'Morin', 'Lavoie', 'Fortin', 'Ouellet', 'Wong', 'Martin', 'Singh', 'Brown', 'Wilson', 'Lee'],
  streets: ['Cedar St', 'Dundas Rd', 'King St', 'Queen St', 'Dalhousie Ave', 'Parliament St', 'Concession Road 23', 'Balmoral St', 'Duke St', 'Victoria Ave', 'Arctic Way', 'Pine Rd'],
  cities: ['Winfield', 'Westport', 'Victoria', 'Kingston', 'Vaughan', 'Burlington', 'Lasalle', 'Sherbrooke', 'Trois-Rivières', 'Hampton', 'Lloydminster', 'Chipman', 'Selkirk', 'Stratford'],
  states: ['Ontario', 'Manitoba', 'Québec', 'British Columbia', 'Alberta', 'Saskatchewan', 'Nova Scotia', 'New Brunswick', 'Newfoundland and Labrador', 'Prince Edward Island', 'Northwest Territories', 'Yukon', 'Nunavut'],
  postcode: (r) => `${r.chars(UPPER, 1)}${r.digits(1)}${r.chars(UPPER, 1)} ${r.digits(1)}${r.chars(UPPER, 1)}${r.digits(1)}`,
  // The real 1.4 rule uses its letter alphabet here, so phones look like "C58 K38-9602".
  phone: (r) => `${r.chars(UPPER, 1)}${r.digits(2)} ${r.chars(UPPER, 1)}${r.digits(2)}-${r.digits(4)}`,
  cell: (r) => `${r.chars(UPPER, 1)}${r.digits(2)} ${r.chars(UPPER, 1)}${r.digits(2)}-${r.digits(4)}`,
  id: (r) => {
    let sin = r.digits(9);
    while (!canadianSinIsValid(sin)) sin = r.digits(9);
    return { name: 'SIN', value: sin };
  },
};

const CH: Nationality = {
  code: 'CH',
  country: 'Switzerland',
  maleFirst: ['Roger', 'Noah', 'Luca', 'Leon', 'Matteo', 'Elias', 'Louis', 'David', 'Julien', 'Marc', 'Jonas', 'Levin', 'Nicolas', 'Bastien', 'Gabriel'],
  femaleFirst: ['Christine', 'Mia', 'Emma', 'Lina', 'Léa', 'Sara', 'Laura', 'Anna', 'Julia', 'Elena', 'Lara', 'Chiara', 'Mélissa', 'Zoé', 'Nadine'],
  last: ['Gerard', 'Brun', 'Müller', 'Meier', 'Schmid', 'Keller', 'Weber', 'Huber', 'Schneider', 'Meyer', 'Steiner', 'Fischer', 'Gerber', 'Brunner', 'Baumann', 'Fontaine', 'Roux', 'Dupont', 'Girard', 'Lefebvre'],
  streets: ['Rue de Bonnel', 'Rue Principale', 'Rue des Chartreux', 'Rue de la Gare', 'Bahnhofstrasse', 'Dorfstrasse', 'Kirchweg', 'Schulstrasse', 'Rue du Cardinal-Gerlier', "Place de L'Abbé-Basset", 'Rue Abel-Hovelacque', 'Route de Genève'],
  cities: ['Buttwil', 'Cugy (Fr)', 'Zürich', 'Genève', 'Basel', 'Bern', 'Lausanne', 'Luzern', 'St. Gallen', 'Lugano', 'Winterthur', 'Biel', 'Thun', 'Sion'],
  states: ['Jura', 'Schwyz', 'Zürich', 'Genève', 'Vaud', 'Bern', 'Luzern', 'Aargau', 'Ticino', 'Valais', 'Fribourg', 'Neuchâtel', 'Graubünden', 'St. Gallen', 'Thurgau', 'Solothurn', 'Basel-Stadt', 'Zug'],
  title: (gender, r) => (gender === 'male' ? 'Monsieur' : r.pick(['Mademoiselle', 'Madame'])),
  postcode: (r) => r.int(1000, 9999),
  phone: (r) => `${r.pick(['075', '076', '077', '078', '079'])} ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
  cell: (r) => `${r.pick(['075', '076', '077', '078', '079'])} ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
  id: (r) => ({ name: 'AVS', value: `756.${r.digits(4)}.${r.digits(4)}.${r.digits(2)}` }),
};

const DE: Nationality = {
  code: 'DE',
  country: 'Germany',
  maleFirst: ['Magnus', 'Bernward', 'Renato', 'Joshua', 'Lukas', 'Jonas', 'Leon', 'Finn', 'Felix', 'Maximilian', 'Jürgen', 'Wolfgang', 'Dieter', 'Uwe', 'Torsten'],
  femaleFirst: ['Gerlind', 'Gretl', 'Erna', 'Annabell', 'Emilie', 'Gönül', 'Mia', 'Hannah', 'Lea', 'Lena', 'Sabine', 'Ute', 'Heike', 'Ilse', 'Karin'],
  last: ['Herz', 'Heise', 'Funke', 'Wiegmann', 'Wrobel', 'Stiller', 'Keller', 'Hauer', 'Faber', 'Stevens', 'Kleine', 'Dose', 'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Becker', 'Hoffmann', 'Schäfer'],
  streets: ['Mozartstraße', 'Am Bahnhof', 'Neue Straße', 'Hauptstraße', 'Jahnstraße', 'Breslauer Straße', 'Fasanenweg', 'Poststraße', 'Friedhofstraße', 'Schulstraße', 'Lindenstraße', 'Gartenstraße'],
  cities: ['Malchin', 'Meschede', 'Gedern', 'Zeven', 'Straelen', 'Fürth', 'Ulm', 'Ganderkesee', 'Putbus', 'Berlin', 'Hamburg', 'München', 'Köln', 'Leipzig'],
  states: ['Baden-Württemberg', 'Bayern', 'Berlin', 'Brandenburg', 'Bremen', 'Hamburg', 'Hessen', 'Mecklenburg-Vorpommern', 'Niedersachsen', 'Nordrhein-Westfalen', 'Rheinland-Pfalz', 'Saarland', 'Sachsen', 'Sachsen-Anhalt', 'Schleswig-Holstein', 'Thüringen'],
  postcode: fiveDigits,
  phone: (r) => `0${r.digits(3)}-${r.digits(7)}`,
  cell: (r) => `017${r.digits(1)}-${r.digits(7)}`,
  id: (r, { dob, last, gender }) => {
    const area = r.pick(GERMAN_PENSION_AREAS);
    const serial = gender === 'male' ? pad2(r.int(0, 49)) : pad2(r.int(50, 99));
    const value = `${area} ${pad2(dob.getUTCDate())}${pad2(dob.getUTCMonth() + 1)}${yearsSince1900(dob)} ${last[0] ?? ''} ${serial}${r.int(0, 9)}`;
    return { name: 'SVNR', value };
  },
};

const DK: Nationality = {
  code: 'DK',
  country: 'Denmark',
  maleFirst: ['Jacob', 'Oscar', 'Emil', 'Adam', 'Lucas', 'William', 'Noah', 'Magnus', 'Frederik', 'Mathias', 'Rasmus', 'Mikkel', 'Kasper', 'Anders', 'Søren'],
  femaleFirst: ['Freja', 'Maria', 'Caroline', 'Silje', 'Selma', 'Ida', 'Emma', 'Sofie', 'Laura', 'Mathilde', 'Clara', 'Anna', 'Astrid', 'Nanna', 'Signe'],
  last: ['Kristensen', 'Andersen', 'Hansen', 'Poulsen', 'Johansen', 'Sørensen', 'Pedersen', 'Mortensen', 'Nielsen', 'Jensen', 'Larsen', 'Rasmussen', 'Christensen', 'Madsen', 'Olsen', 'Thomsen', 'Møller', 'Jørgensen', 'Petersen', 'Jakobsen'],
  streets: ['Allegade', 'Hestehavevej', 'Åbakken', 'Venusvej', 'Hærvejen', 'Strandgårdsvej', 'Nordsøvej', 'Skivevej', 'Østervænget', 'Bøgevej', 'Kirkegade', 'Engtoften'],
  cities: ['Randers Nø', 'Nørrebro', 'Stokkemarke', 'Odense Sv', 'Haslev', 'Vipperød', 'Viby J.', 'København S', 'Sommersted', 'Aarhus', 'Aalborg', 'Esbjerg', 'Kolding', 'Vejle'],
  states: ['Danmark', 'Nordjylland', 'Midtjylland', 'Syddanmark', 'Sjælland', 'Hovedstaden'],
  postcode: fiveDigits,
  phone: (r) => r.digits(8),
  cell: (r) => r.digits(8),
  id: (r, { dob }) => ({ name: 'CPR', value: `${pad2(dob.getUTCDate())}${pad2(dob.getUTCMonth() + 1)}${yearsSince1900(dob)}-${r.digits(4)}` }),
};

const ES: Nationality = {
  code: 'ES',
  country: 'Spain',
  maleFirst: ['Lucas', 'Hugo', 'Martín', 'Pablo', 'Alejandro', 'Daniel', 'Álvaro', 'Adrián', 'Diego', 'Javier', 'Mario', 'Sergio', 'Iván', 'Rubén', 'Gonzalo'],
  femaleFirst: ['Eva', 'Josefina', 'Elisa', 'Lucía', 'María', 'Paula', 'Sara', 'Carmen', 'Nuria', 'Rocío', 'Alba', 'Inmaculada', 'Marta', 'Beatriz', 'Pilar'],
  last: ['Giménez', 'Ortiz', 'Gallardo', 'García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín', 'Jiménez', 'Ruiz', 'Hernández', 'Díaz', 'Moreno', 'Álvarez', 'Romero'],
  streets: ['Calle de Atocha', 'Ronda de Toledo', 'Calle de Alcalá', 'Calle Mayor', 'Avenida de Andalucía', 'Calle de la Luna', 'Paseo de Extremadura', 'Calle del Barquillo', 'Calle de Argumosa', 'Avenida del Planetario', 'Calle de Bravo Murillo', 'Calle de Ferraz'],
  cities: ['San Sebastián', 'Bilbao', 'Madrid', 'Barcelona', 'Valencia', 'Sevilla', 'Zaragoza', 'Málaga', 'Murcia', 'Palma de Mallorca', 'Alicante', 'Córdoba', 'Valladolid', 'Vigo'],
  states: ['Andalucía', 'Navarra', 'Aragón', 'Cataluña', 'Galicia', 'Comunidad de Madrid', 'Comunidad Valenciana', 'Castilla y León', 'Castilla la Mancha', 'País Vasco', 'Asturias', 'Cantabria', 'Canarias', 'Islas Baleares', 'Extremadura', 'Región de Murcia', 'La Rioja', 'Ceuta', 'Melilla'],
  postcode: fiveDigits,
  phone: (r) => `9${r.digits(2)}-${r.digits(3)}-${r.digits(3)}`,
  cell: (r) => `6${r.digits(2)}-${r.digits(3)}-${r.digits(3)}`,
  id: (r) => ({ name: 'DNI', value: `${r.digits(8)}-${r.chars(UPPER, 1)}` }),
};

const FI: Nationality = {
  code: 'FI',
  country: 'Finland',
  maleFirst: ['Eetu', 'Roope', 'Oskari', 'Onni', 'Elias', 'Leo', 'Väinö', 'Aleksi', 'Juho', 'Lauri', 'Niko', 'Valtteri', 'Joona', 'Eemeli', 'Veeti'],
  femaleFirst: ['Aino', 'Eevi', 'Emma', 'Sofia', 'Ella', 'Helmi', 'Venla', 'Iida', 'Siiri', 'Aada', 'Lotta', 'Minea', 'Noora', 'Jenna', 'Pihla'],
  last: ['Harju', 'Seppala', 'Wuollet', 'Korhonen', 'Virtanen', 'Mäkinen', 'Nieminen', 'Mäkelä', 'Hämäläinen', 'Laine', 'Heikkinen', 'Koskinen', 'Järvinen', 'Lehtonen', 'Lehtinen', 'Saarinen', 'Salminen', 'Heinonen', 'Niemi', 'Kinnunen'],
  streets: ['Suvantokatu', 'Esplanadi', 'Otavalankatu', 'Hämeenkatu', 'Mannerheimintie', 'Pyynikintie', 'Hatanpään Valtatie', 'Rautatienkatu', 'Satakennankatu', 'Tehtaankatu', 'Aleksanterinkatu', 'Nordenskiöldinkatu'],
  cities: ['Turku', 'Nurmes', 'Haapavesi', 'Helsinki', 'Espoo', 'Tampere', 'Vantaa', 'Oulu', 'Jyväskylä', 'Lahti', 'Kuopio', 'Pori', 'Kotka', 'Salo'],
  states: ['Tavastia Proper', 'Northern Ostrobothnia', 'Kymenlaakso', 'Uusimaa', 'Pirkanmaa', 'Lapland', 'Central Finland', 'North Karelia', 'Southern Savonia', 'Northern Savonia', 'Satakunta', 'Kainuu', 'Ostrobothnia', 'Päijät-Häme', 'South Karelia', 'Southwest Finland', 'Åland', 'Central Ostrobothnia', 'South Ostrobothnia'],
  postcode: fiveDigits,
  phone: (r) => `0${r.int(2, 9)}-${r.digits(3)}-${r.digits(3)}`,
  cell: (r) => `04${r.int(0, 9)}-${r.digits(3)}-${r.digits(2)}-${r.digits(2)}`,
  // The real HETU rule reads an invalid date, so every value is "NaNNA" + 3 digits + "undefined".
  id: (r, { gender }) => {
    const parity = gender !== 'male' ? r.pick([0, 2, 4, 6, 8]) : r.pick([1, 3, 5, 7, 9]);
    return { name: 'HETU', value: `NaNNA${r.digits(2)}${parity}undefined` };
  },
};

const FR: Nationality = {
  code: 'FR',
  country: 'France',
  maleFirst: ['Noe', 'Justin', 'Marin', 'Malone', 'Lucas', 'Hugo', 'Louis', 'Gabriel', 'Arthur', 'Jules', 'Raphaël', 'Mathis', 'Théo', 'Nathan', 'Clément'],
  femaleFirst: ['Héloïse', 'Mila', 'Alyssia', 'Amelia', 'Léa', 'Manon', 'Chloé', 'Camille', 'Inès', 'Louise', 'Jade', 'Zoé', 'Clara', 'Anaïs', 'Maëlys'],
  last: ['Charles', 'Garcia', 'Lemoine', 'Olivier', 'Garnier', 'Nicolas', 'Lopez', 'Vincent', 'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent'],
  streets: ['Rue de la Mairie', 'Rue des Jardins', 'Rue Courbet', 'Quai Charles-De-Gaulle', 'Avenue de la République', "Rue de L'Abbé-Groult", "Rue de L'Abbé-Patureau", 'Rue du 8 Mai 1945', 'Place de la Madeleine', 'Rue Pasteur', 'Rue Principale', 'Rue Paul Bert'],
  cities: ['Perpignan', 'Amiens', 'Angers', 'Paris', 'Le Mans', 'Orléans', 'Boulogne-Billancourt', 'Aix-En-Provence', 'Lyon', 'Marseille', 'Toulouse', 'Nantes', 'Strasbourg', 'Rennes'],
  states: ['Paris', 'Seine-et-Marne', 'Haute-Savoie', 'Drôme', 'Loiret', 'Seine-Saint-Denis', 'Eure', 'Nord', 'Gironde', 'Rhône', 'Bouches-du-Rhône', 'Finistère', 'Calvados', 'Hérault', 'Isère'],
  postcode: fiveDigits,
  phone: (r) => `0${r.int(1, 5)}-${r.digits(2)}-${r.digits(2)}-${r.digits(2)}-${r.digits(2)}`,
  cell: (r) => `06-${r.digits(2)}-${r.digits(2)}-${r.digits(2)}-${r.digits(2)}`,
  id: (r, { dob, gender }) => {
    const sex = gender === 'male' ? 1 : 2;
    // Month is the zero-based Date#getMonth(), as in the real rule.
    const head = `${sex}${yearsSince1900(dob)}${pad2(dob.getUTCMonth())}${r.digits(8)}`;
    const key = pad2(97 - (Number(head) % 97));
    return { name: 'INSEE', value: `${head} ${key}` };
  },
};

const GB: Nationality = {
  code: 'GB',
  country: 'United Kingdom',
  maleFirst: ['Frederick', 'Jack', 'Harry', 'Oliver', 'George', 'Charlie', 'Thomas', 'Oscar', 'William', 'James', 'Alfie', 'Leo', 'Arthur', 'Archie', 'Henry'],
  femaleFirst: ['Olivia', 'Amelia', 'Isla', 'Ava', 'Mia', 'Ivy', 'Lily', 'Isabella', 'Rosie', 'Sophia', 'Grace', 'Freya', 'Poppy', 'Evie', 'Florence'],
  last: ['Burke', 'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson'],
  streets: ['North Road', 'High Street', 'Station Road', 'Main Street', 'Park Lane', 'Church Street', 'London Road', 'Victoria Road', 'Green Lane', 'Manor Road', 'Church Lane', 'Kings Road'],
  cities: ['Stevenage', 'Leeds', 'Sheffield', 'Bradford', 'Manchester', 'Liverpool', 'Bristol', 'Coventry', 'Leicester', 'Nottingham', 'Newcastle upon Tyne', 'Brighton and Hove', 'Wolverhampton', 'Salisbury'],
  states: ['Leicestershire', 'Cumbria', 'Devon', 'Kent', 'Essex', 'Lancashire', 'Norfolk', 'Surrey', 'Suffolk', 'Hampshire', 'West Yorkshire', 'Northumberland', 'Tyne and Wear', 'Berkshire'],
  postcode: britishPostcode,
  phone: britishPhone,
  cell: (r) => `07${r.digits(3)} ${r.digits(6)}`,
  id: (r) => {
    const prefix = r.chars('abceghjklmnoprstwxyz', 1) + r.chars('abceghjklmnprstwxyz', 1);
    const value = `${prefix} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.chars(UPPER, 1)}`.toUpperCase();
    return { name: 'NINO', value };
  },
};

const IE: Nationality = {
  code: 'IE',
  country: 'Ireland',
  maleFirst: ['Jared', 'Chris', 'Martin', 'Jack', 'James', 'Noah', 'Conor', 'Daniel', 'Seán', 'Cian', 'Darragh', 'Oisín', 'Ryan', 'Dylan', 'Patrick'],
  femaleFirst: ['Sheryl', 'Avery', 'Ella', 'Lauren', 'Hanna', 'Laura', 'Emily', 'Grace', 'Sophie', 'Aoife', 'Saoirse', 'Niamh', 'Ciara', 'Róisín', 'Caoimhe'],
  last: ['Brown', 'Reyes', 'Fisher', 'Brooks', 'Mckinney', 'Jennings', 'Adams', 'Woods', 'Ferguson', 'Murphy', 'Kelly', "O'Sullivan", 'Walsh', "O'Brien", 'Byrne', 'Ryan', "O'Connor", "O'Neill", 'Doyle', 'McCarthy'],
  streets: ['Mill Road', 'The Drive', 'Park Avenue', 'West Street', 'Pearse Street', 'Park Lane', 'Church Street', 'Henry Street', 'Cork Street', 'Grafton Street', 'Main Street', 'Church Road'],
  cities: ['Kells', 'Buncrana', 'Monaghan', 'Sligo', 'Kilkenny', 'Longford', 'Blessington', 'Dundalk', 'Galway', 'Cork', 'Limerick', 'Waterford', 'Tralee', 'Athlone'],
  states: ['South Dublin', 'Longford', 'Galway', 'Offaly', 'Limerick', 'Leitrim', 'Wexford', 'Cork', 'Kerry', 'Mayo', 'Donegal', 'Clare', 'Meath', 'Kildare', 'Wicklow', 'Fingal', 'Dún Laoghaire–Rathdown', 'Sligo'],
  postcode: fiveDigits,
  phone: (r) => `0${r.int(1, 7)}1-${r.digits(3)}-${r.digits(4)}`,
  cell: (r) => `081-${r.digits(3)}-${r.digits(4)}`,
  // The real rule means to append "A" for people born from 2013 but never does (invalid date).
  id: (r) => ({ name: 'PPS', value: `${r.digits(7)}T` }),
};

const IN: Nationality = {
  code: 'IN',
  country: 'India',
  maleFirst: ['Praneel', 'Aarav', 'Vihaan', 'Arjun', 'Sai', 'Reyansh', 'Ayaan', 'Krishna', 'Ishaan', 'Shaurya', 'Atharv', 'Advik', 'Pranav', 'Rohan', 'Siddharth'],
  femaleFirst: ['Madhura', 'Nishitha', 'Smruthi', 'Malathy', 'Mangala', 'Sanjana', 'Aaradhya', 'Ananya', 'Kavya', 'Meghana', 'Pooja', 'Shreya', 'Tanvi', 'Vaishnavi', 'Zara'],
  last: ['Salian', 'Dhamdhame', 'Chavare', 'Acharya', 'Keshri', 'Sheikh', 'Sharma', 'Patel', 'Reddy', 'Nair', 'Iyer', 'Kulkarni', 'Shetty', 'Naidu', 'Gupta', 'Menon', 'Pillai', 'Joshi', 'Bhat', 'Rao'],
  streets: ['Bhootnath Rd', 'Colaba Causeway', 'Janpath', 'Shivajinagar', "Coaker's Walk", 'Rani No Hajiro', 'Chaman Ganj', 'MG Road', 'Linking Rd', 'Park Street', 'Brigade Road', 'Hill Road'],
  cities: ['Belgaum', 'Panihati', 'Noida', 'Nizamabad', 'Ulhasnagar', 'Sambhal', 'Satara', 'Pune', 'Nagpur', 'Indore', 'Bhopal', 'Visakhapatnam', 'Mysore', 'Kochi'],
  states: ['Dadra and Nagar Haveli', 'Andaman and Nicobar Islands', 'Jharkhand', 'Tamil Nadu', 'Mizoram', 'Uttarakhand', 'Goa', 'Kerala', 'Karnataka', 'Maharashtra', 'Gujarat', 'Punjab', 'Rajasthan', 'West Bengal', 'Odisha'],
  postcode: fiveDigits,
  phone: (r) => `${r.pick([7, 8, 9])}${r.digits(9)}`,
  cell: (r) => `${r.pick([7, 8, 9])}${r.digits(9)}`,
  id: (r) => ({ name: 'UIDAI', value: r.digits(12) }),
};

const IR: Nationality = {
  code: 'IR',
  country: 'Iran',
  maleFirst: ['سهیل', 'سام', 'احسان', 'پرهام', 'سینا', 'امیرعلی', 'محمد', 'علی', 'رضا', 'حسین', 'مهدی', 'امیرحسین', 'کیان', 'آرش', 'بردیا'],
  femaleFirst: ['آیناز', 'آدرینا', 'نازنین', 'زهرا', 'فاطمه', 'مریم', 'سارا', 'نیلوفر', 'پریا', 'یاسمن', 'هستی', 'ترانه', 'رها', 'الینا', 'مهسا'],
  last: ['علیزاده', 'نجاتی', 'کریمی', 'قاسمی', 'موسوی', 'محمدی', 'رضایی', 'حسینی', 'احمدی', 'جعفری', 'صادقی', 'رحیمی', 'کاظمی', 'سلطانی', 'یزدانی', 'پارسا', 'نوری', 'شریفی', 'زارعی', 'هاشمی'],
  streets: ['حجاب', 'شهید آرش مهر', 'نام قدیم میدان های تهران', 'شهید دکتر آیت', 'جمهوری', 'میدان امام حسین', 'شهید همت', 'جمهوری اسلامی', 'ولیعصر', 'آزادی', 'فاطمی', 'کارگر'],
  cities: ['گلستان', 'اراک', 'تهران', 'ایلام', 'گرگان', 'ارومیه', 'رشت', 'مشهد', 'اصفهان', 'شیراز', 'تبریز', 'کرج', 'قم', 'اهواز', 'کرمانشاه'],
  states: ['کهگیلویه و بویراحمد', 'سیستان و بلوچستان', 'گلستان', 'آذربایجان غربی', 'کردستان', 'خوزستان', 'گیلان', 'سمنان', 'تهران', 'فارس', 'اصفهان', 'خراسان رضوی', 'مازندران', 'کرمان', 'همدان', 'یزد'],
  postcode: fiveDigits,
  phone: (r) => `0${r.digits(2)}-${r.digits(8)}`,
  cell: (r) => `09${r.digits(2)}-${r.digits(3)}-${r.digits(4)}`,
  id: noId,
};

const MX: Nationality = {
  code: 'MX',
  country: 'Mexico',
  maleFirst: ['Rogelio', 'Gerónimo', 'Mario', 'Santiago', 'Mateo', 'Sebastián', 'Leonardo', 'Emiliano', 'Diego', 'Miguel Ángel', 'Alejandro', 'Jesús', 'Gustavo', 'Benito', 'Jorge'],
  femaleFirst: ['Marcela', 'Evelia', 'Rocío', 'Ximena', 'Valentina', 'Regina', 'Camila', 'Fernanda', 'Guadalupe', 'Itzel', 'Ana Sofía', 'Daniela', 'Mariana', 'Lorena', 'Socorro'],
  last: ['Candelaria', 'Rivas', 'Holguín', 'Pizarro', 'Griego', 'Hernández', 'García', 'Martínez', 'López', 'González', 'Rodríguez', 'Pérez', 'Sánchez', 'Ramírez', 'Cruz', 'Flores', 'Gómez', 'Morales', 'Vázquez', 'Reyes'],
  streets: ['Circuito Arroyo', 'Privada Ucrania', 'Viaducto Norte Gamboa', 'Calle Baja California Sur', 'Circuito Malasia', 'Avenida Juárez', 'Calle Hidalgo', 'Boulevard Vicente Guerrero', 'Prolongación Morelos', 'Retorno Coahuila', 'Andador Colima', 'Cerrada Sinaloa'],
  cities: ['Moctezuma', 'Villa Lázaro Cárdenas', 'El Tajuelo', 'Puerta de Andaracua', 'San José Babicora', 'Guadalajara', 'Monterrey', 'Puebla', 'Tijuana', 'León', 'Mérida', 'Querétaro', 'Morelia', 'Oaxaca de Juárez'],
  states: ['Tamaulipas', 'Hidalgo', 'Quintana Roo', 'Aguascalientes', 'Yucatan', 'Jalisco', 'Nuevo León', 'Puebla', 'Baja California', 'Guanajuato', 'Chiapas', 'Oaxaca', 'Sonora', 'Veracruz', 'Michoacán', 'Zacatecas'],
  postcode: fiveDigits,
  phone: (r) => `(6${r.digits(2)}) ${r.digits(3)} ${r.digits(4)}`,
  cell: (r) => `(6${r.digits(2)}) ${r.digits(3)} ${r.digits(4)}`,
  id: (r) => ({ name: 'NSS', value: `${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(4)} ${r.digits(1)}` }),
};

const NL: Nationality = {
  code: 'NL',
  country: 'Netherlands',
  maleFirst: ['Romain', 'Jaco', 'Giorgio', 'Mateo', 'Arnout', 'Renaldo', 'Joël', 'Daan', 'Sem', 'Lucas', 'Levi', 'Bram', 'Thijs', 'Jesse', 'Ruben'],
  femaleFirst: ['Lindsey', 'Gwendolyne', 'Lonne', 'Emma', 'Julia', 'Sophie', 'Tess', 'Fenna', 'Sanne', 'Lotte', 'Femke', 'Eva', 'Noor', 'Anouk', 'Iris'],
  last: ['Van de Veerdonk', 'Verouden', 'Van den Ende', 'Schilstra', 'Jeuring', 'Dirkzwager', 'Luyten', 'Beekelaar', 'Tammer', 'De Jong', 'Jansen', 'De Vries', 'Van den Berg', 'Van Dijk', 'Bakker', 'Visser', 'Smit', 'Meijer', 'De Boer', 'Mulder'],
  streets: ['Bremere', 'Berliozrode', 'Hemingwayplaats', 'Jaspis', 'Beckershagen', 'De Windvang', 'Blekershof', 'Compagnieberg', 'Korte Herreweg', 'Kerkstraat', 'Dorpsstraat', 'Molenweg'],
  cities: ['Lellens', 'Ommel', 'Oene', 'Zutphen', 'Winneweer', 'Tolkamer', 'Glanerbrug', 'Sint-Maartensdijk', 'Landerum', 'Maasdriel', 'Amsterdam', 'Utrecht', 'Groningen', 'Leiden'],
  states: ['Utrecht', 'Overijssel', 'Noord-Holland', 'Flevoland', 'Drenthe', 'Zeeland', 'Zuid-Holland', 'Gelderland', 'Friesland', 'Groningen', 'Noord-Brabant', 'Limburg'],
  // Current live 1.4 output ("4923 LK", "(0467) 142790", "(06) 72236242"); before 2024 NL used the
  // five-digit numeric postcode and "(ddd)-ddd-dddd" phones.
  postcode: (r) => `${r.int(1000, 9999)} ${r.chars(UPPER, 2)}`,
  phone: (r) => `(0${r.digits(3)}) ${r.digits(6)}`,
  cell: (r) => `(06) ${r.digits(8)}`,
  id: (r) => ({ name: 'BSN', value: r.digits(8) }),
};

const NORWEGIAN_POSTCODES = ['0051', '0150', '0368', '0484', '0755', '1337', '1511', '1851', '2116', '2401', '3015', '3540', '4006', '4631', '5003', '6003', '6518', '7010', '7657', '7982', '8006', '8641', '9008', '9587'];

const NO: Nationality = {
  code: 'NO',
  country: 'Norway',
  maleFirst: ['Eirik', 'Liam', 'Alvin', 'Torjus', 'Danial', 'Jakob', 'Emil', 'Noah', 'Oliver', 'Filip', 'Lukas', 'Aksel', 'Magnus', 'Henrik', 'Sindre'],
  femaleFirst: ['Munira', 'Villemo', 'Christina', 'Betina', 'Aya', 'Nora', 'Emma', 'Ella', 'Maja', 'Ingrid', 'Sofie', 'Thea', 'Ida', 'Live', 'Tiril'],
  last: ['Ødegård', 'Strømnes', 'Falch', 'Thon', 'Ree', 'Said', 'Utgård', 'Kleppe', 'Rashid', 'Herheim', 'Hansen', 'Johansen', 'Olsen', 'Larsen', 'Andersen', 'Pedersen', 'Nilsen', 'Kristiansen', 'Jensen', 'Karlsen'],
  streets: ['Caspar Storms vei', 'Østensjøveien', 'Gäbleins vei', 'Ole Reistads vei', 'Skjellveien', 'Skogstien', 'Edvard Munchs plass', 'Libakkfaret', 'Bekkenstenveien', 'Tryvannsveien', 'Kirkeveien', 'Storgata'],
  cities: ['Kopervik', 'Torhaug', 'Bekkjarvik', 'Trondheim', 'Risør', 'Skogmo', 'Ibestad', 'Hjørungavåg', 'Blomvåg', 'Fossnes', 'Oslo', 'Bergen', 'Stavanger', 'Tromsø'],
  states: ['Trøndelag', 'Sogn og Fjordane', 'Vest-Agder', 'Finnmark - Finnmárku', 'Telemark', 'Troms - Romsa', 'Hordaland', 'Oppland', 'Akershus', 'Østfold', 'Buskerud', 'Vestfold', 'Nordland', 'Rogaland', 'Møre og Romsdal', 'Hedmark', 'Aust-Agder', 'Oslo'],
  // Four digits with leading zeros kept, hence a string.
  postcode: (r) => r.pick(NORWEGIAN_POSTCODES),
  phone: (r) => `${r.pick([2, 3, 5, 6, 7, 8])}${r.digits(7)}`,
  cell: (r) => `${r.pick([4, 9])}${r.digits(7)}`,
  id: (r, { dob, gender }) => ({ name: 'FN', value: norwegianFodselsnummer(r, dob, gender) }),
};

const NZ: Nationality = {
  code: 'NZ',
  country: 'New Zealand',
  maleFirst: ['Liam', 'Oliver', 'Jack', 'Noah', 'Leo', 'George', 'Charlie', 'Lucas', 'Hunter', 'Mason', 'Arlo', 'Theodore', 'Nikau', 'Ari', 'Tane'],
  femaleFirst: ['Charlotte', 'Isla', 'Olivia', 'Amelia', 'Harper', 'Mia', 'Ella', 'Sophie', 'Ruby', 'Aria', 'Zoe', 'Maia', 'Anahera', 'Kaia', 'Georgia'],
  last: ['Smith', 'Wilson', 'Williams', 'Brown', 'Taylor', 'Jones', 'Singh', 'Walker', 'Thompson', 'White', 'Anderson', 'Clarke', 'Harris', 'Martin', 'Young', 'King', 'Robinson', 'Campbell', 'Edwards', 'Ngata'],
  streets: ['Queen Street', 'Karangahape Road', 'Ponsonby Road', 'Cuba Street', 'Lambton Quay', 'Colombo Street', 'Victoria Street', 'Great South Road', 'Dominion Road', 'Devonport Road', 'Riccarton Road', 'Tay Street'],
  cities: ['Auckland', 'Wellington', 'Christchurch', 'Hamilton', 'Tauranga', 'Napier', 'Dunedin', 'Palmerston North', 'Nelson', 'Rotorua', 'New Plymouth', 'Whangarei', 'Invercargill', 'Gisborne'],
  states: ['Auckland', 'Wellington', 'Canterbury', 'Waikato', 'Bay of Plenty', 'Otago', 'Manawatu-Wanganui', "Hawke'S Bay", 'Northland', 'Taranaki', 'Southland', 'Gisborne', 'Nelson', 'Marlborough', 'Tasman', 'West Coast'],
  postcode: fiveDigits,
  phone: (r) => `(${r.digits(3)})-${r.digits(3)}-${r.digits(4)}`,
  cell: (r) => `(${r.digits(3)})-${r.digits(3)}-${r.digits(4)}`,
  id: noId,
};

const RS: Nationality = {
  code: 'RS',
  country: 'Serbia',
  maleFirst: ['Marko', 'Nikola', 'Stefan', 'Luka', 'Lazar', 'Nemanja', 'Miloš', 'Dušan', 'Aleksandar', 'Filip', 'Vuk', 'Đorđe', 'Uroš', 'Vukašin', 'Bogdan'],
  femaleFirst: ['Jelena', 'Milica', 'Ana', 'Jovana', 'Marija', 'Teodora', 'Sara', 'Anđela', 'Katarina', 'Dragana', 'Ivana', 'Nevena', 'Tijana', 'Sanja', 'Mina'],
  last: ['Tripković', 'Jovanović', 'Petrović', 'Nikolić', 'Marković', 'Đorđević', 'Stojanović', 'Ilić', 'Stanković', 'Pavlović', 'Milošević', 'Popović', 'Živković', 'Todorović', 'Ristić', 'Lukić', 'Kostić', 'Savić', 'Mitrović', 'Obradović'],
  streets: ['Trinaestog Oktobra', 'Abadžijska', 'Avalska', 'Branka Radičevića', 'Cvijićeva', 'Dositeja Obradovića', 'Karađorđeva', 'Kneza Mihaila', 'Nikole Tesle', 'Vojvode Mišića', 'Vuka Karadžića', 'Žute Dunje'],
  cities: ['Aleksinac', 'Beograd', 'Novi Sad', 'Niš', 'Kragujevac', 'Subotica', 'Zrenjanin', 'Pančevo', 'Čačak', 'Kraljevo', 'Smederevo', 'Leskovac', 'Valjevo', 'Šabac'],
  states: ['Raška', 'Zlatibor', 'Šumadija', 'Nišava', 'Braničevo', 'Pomoravlje', 'Kolubara', 'Mačva', 'Moravica', 'Podunavlje', 'Jablanica', 'Pčinja', 'Toplica', 'Pirot', 'Zaječar', 'Bor', 'Južna Bačka', 'Severni Banat', 'Srem'],
  postcode: fiveDigits,
  phone: (r) => `0${r.pick(['1', '2', '3'])}${r.digits(1)}-${r.digits(4)}-${r.digits(3)}`,
  cell: (r) => `06${r.digits(1)}-${r.digits(4)}-${r.digits(3)}`,
  id: (r) => ({ name: 'SID', value: r.digits(9) }),
};

const TR: Nationality = {
  code: 'TR',
  country: 'Turkey',
  maleFirst: ['Barış', 'Emir', 'Yusuf', 'Mustafa', 'Ömer', 'Eymen', 'Kerem', 'Mehmet', 'Ahmet', 'Çağlar', 'Oğuz', 'Doruk', 'Tolga', 'Serkan', 'Şükrü'],
  femaleFirst: ['Kübra', 'Sedef', 'Zeynep', 'Elif', 'Defne', 'Eylül', 'Ayşe', 'Fatma', 'Hülya', 'Gülsüm', 'Özlem', 'Nihan', 'Şeyma', 'İpek', 'Yasemin'],
  last: ['Erberk', 'Toraman', 'Çetiner', 'Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Yıldız', 'Yıldırım', 'Öztürk', 'Aydın', 'Özdemir', 'Arslan', 'Doğan', 'Kılıç', 'Aslan', 'Çetin', 'Koç', 'Kurt'],
  streets: ['Mevlana Cd', 'Vatan Cd', 'Atatürk Sk', 'Bağdat Cd', 'Kushimoto Sk', 'Anafartalar Cd', 'Filistin Cd', 'Necatibey Cd', 'Fatih Sultan Mehmet Cd', 'İstiklal Cd', 'Talak Göktepe Cd', 'Abanoz Sk'],
  cities: ['Karaman', 'Adana', 'Yalova', 'İstanbul', 'Ankara', 'İzmir', 'Bursa', 'Antalya', 'Konya', 'Gaziantep', 'Eskişehir', 'Trabzon', 'Samsun', 'Denizli'],
  states: ['Gaziantep', 'Sakarya', 'Kars', 'İstanbul', 'Ankara', 'İzmir', 'Bursa', 'Antalya', 'Konya', 'Trabzon', 'Samsun', 'Aydın', 'Muğla', 'Erzurum', 'Van', 'Mardin'],
  postcode: fiveDigits,
  phone: (r) => `(${r.digits(3)})-${r.digits(3)}-${r.digits(4)}`,
  cell: (r) => `(${r.digits(3)})-${r.digits(3)}-${r.digits(4)}`,
  id: noId,
};

const UA: Nationality = {
  code: 'UA',
  country: 'Ukraine',
  maleFirst: ['Diy', 'Andriy', 'Bogdan', 'Taras', 'Ostap', 'Yaroslav', 'Oleksandr', 'Volodimir', 'Mikola', 'Petro', 'Stepan', 'Vitaliy', 'Yuriy', 'Svyatoslav', "Mar'yan"],
  femaleFirst: ['Ayida', 'Domna', 'Nezabudka', 'Svitlana', 'Lyubanya', 'Rusudana', 'Oksana', 'Olena', 'Iryna', 'Nataliya', 'Tetyana', 'Yuliya', 'Galina', 'Hristina', 'Zoryana'],
  last: ['Skoropadskiy', 'Nechiporuk', 'Andrusyak', 'Polyanskiy', 'Nakonechniy', 'Yuhimenko', 'Miskiy', 'Golubnichiy', 'Shevchenko', 'Bondarenko', 'Kovalenko', 'Boyko', 'Tkachenko', 'Kravchenko', 'Oliynik', 'Shevchuk', 'Polishchuk', 'Lisenko', 'Moroz', 'Savchenko'],
  streets: ['Soborna ploshcha', 'Postisheva', 'Kolodyazna', 'Yakova Rappoporta', 'Provulok Samokisha', 'Kagamlika', 'Poperechna', 'Stepana Banderi', 'Shevchenka', 'Hreshchatik', 'Zelena', 'Sadova'],
  cities: ['Zhitomir', 'Pomichna', 'Zavodske', 'Pokrovsk', 'Nizhin', 'Korosten', 'Brodi', 'Sambir', 'Kiyiv', 'Lviv', 'Odesa', 'Harkiv', 'Dnipro', 'Poltava'],
  states: ['Sumska', 'Odeska', 'Harkivska', 'Hersonska', 'Zakarpatska', 'Kiyivska', 'Dnipropetrovska', 'Lvivska', 'Poltavska', 'Vinnitska', 'Chernigivska', 'Cherkaska', 'Zhitomirska', 'Volinska', 'Rivnenska', 'Ternopilska'],
  postcode: fiveDigits,
  // Like CA, the real rule draws a letter where a digit was meant: "(068) P70-0791".
  phone: (r) => `(0${r.pick(UA_OPERATORS)}) ${r.chars(UPPER, 1)}${r.digits(2)}-${r.digits(4)}`,
  cell: (r) => `(0${r.pick(UA_OPERATORS)}) ${r.chars(UPPER, 1)}${r.digits(2)}-${r.digits(4)}`,
  id: noId,
};

const US: Nationality = {
  code: 'US',
  country: 'United States',
  maleFirst: ['Logan', 'Edwin', 'Mason', 'Ian', 'Elijah', 'Marc', 'Cecil', 'Vernon', 'Noah', 'Liam', 'James', 'Benjamin', 'Lucas', 'Henry', 'Alexander'],
  femaleFirst: ['Jennie', 'Terra', 'Alma', 'Cassandra', 'Sheryl', 'Emma', 'Olivia', 'Ava', 'Sophia', 'Isabella', 'Charlotte', 'Amelia', 'Harper', 'Evelyn', 'Abigail'],
  last: ['Nichols', 'Matthews', 'Alexander', 'Scott', 'Walker', 'Byrd', 'Wilson', 'Kim', 'Shaw', 'Cook', 'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez'],
  streets: ['Valwood Pkwy', 'Hunters Creek Dr', 'First Street', 'Stevens Creek Blvd', 'Woodland St', 'College St', 'W Pecan St', 'Sunset St', 'Mockingbird Hill', 'Lakeview St', 'Karen Dr', 'Samaritan Dr'],
  cities: ['Billings', 'Gresham', 'Altoona', 'Albany', 'Toledo', 'Los Lunas', 'Seattle', 'Pueblo', 'Austin', 'Fresno', 'Omaha', 'Savannah', 'Tucson', 'Boise'],
  states: ['Michigan', 'Oregon', 'North Carolina', 'Florida', 'New Hampshire', 'Hawaii', 'Maryland', 'South Carolina', 'Texas', 'California', 'Nebraska', 'Georgia', 'Arizona', 'Idaho', 'Ohio', 'New York'],
  postcode: fiveDigits,
  phone: (r) => `(${r.chars(NON_ZERO_ONE, 1)}${r.digits(2)}) ${r.chars(NON_ZERO_ONE, 1)}${r.digits(2)}-${r.digits(4)}`,
  cell: (r) => `(${r.chars(NON_ZERO_ONE, 1)}${r.digits(2)}) ${r.chars(NON_ZERO_ONE, 1)}${r.digits(2)}-${r.digits(4)}`,
  id: (r) => {
    let ssn = `${r.digits(3)}-${r.digits(2)}-${r.digits(4)}`;
    while (!SSN_RULE.test(ssn)) ssn = `${r.digits(3)}-${r.digits(2)}-${r.digits(4)}`;
    return { name: 'SSN', value: ssn };
  },
};

export const NATIONALITIES: Readonly<Record<NatCode, Nationality>> = {
  AU, BR, CA, CH, DE, DK, ES, FI, FR, GB, IE, IN, IR, MX, NL, NO, NZ, RS, TR, UA, US,
};

/** Titles shared by every nationality without its own. */
export const COMMON_FEMALE_TITLES = ['Miss', 'Mrs', 'Ms'] as const;
export const COMMON_MALE_TITLE = 'Mr';
