/**
 * patches/cassandra-driver+4.10.0.patch: the Murmur3 token of a partition key (token-aware routing,
 * one per write the sink issues) computed in 32-bit halves instead of MutableLong objects, a dozen
 * allocations per key. The tokens are Cassandra's own: these vectors were read back from a Cassandra
 * 5.0 node with `SELECT token(k)` for a blob key of every length from 1 to 40 bytes (every tail
 * length, one and two 16-byte blocks, bytes above 127 whose sign Java extends).
 */

interface MutableLongPrototype {
  multiply(...args: unknown[]): unknown;
}
const { Murmur3Tokenizer } = require('cassandra-driver/lib/tokenizer') as { Murmur3Tokenizer: new () => { hash(key: Buffer): { toString(): string } } };
const MutableLong = require('cassandra-driver/lib/types/mutable-long') as { prototype: MutableLongPrototype };

/** [the key's bytes in hex, Cassandra's token for it] */
const CASSANDRA_TOKENS: [string, string][] = [
  ['74', '7529381342917315814'],
  ['5bef', '-8998195199960269425'],
  ['5bbd9b', '-5624135562111859902'],
  ['17c16f47', '5831152333723833159'],
  ['2de8e41550', '8814575247784009980'],
  ['f57f59faa0a5', '-1185072335229146284'],
  ['a35ccb2d6f914f', '8365566825965769352'],
  ['06a28ffad061e45b', '7662418726300018819'],
  ['9ec7a2b9c7fd9465c5', '-8775956623825889425'],
  ['3337f79105e5382d7020', '-8033903018595111933'],
  ['095835851fafb212edceaf', '8992139907314480795'],
  ['fa7db90c4d6fdd14b75259d7', '-4890390218733818185'],
  ['9ae9686d3a943151fe9df245cd', '-4122419665094990532'],
  ['9acc08b6c31fc21e51539d3b70e5', '-4818019874329036229'],
  ['e44a699d15c1bd89202c87be7ef52b', '-4067521975555545110'],
  ['0ef31be0b56e41dd6e3ad6ddb160a507', '1642873852165704151'],
  ['e6a47e0f307a7d6003a95e16f3ee0e901b', '-3887079288945189516'],
  ['ca8a75af86b2ec4166fddf4a35b5f50fcef0', '-592968393386988823'],
  ['ce49d5c06bfeea8dbb3afc566befbb964bf41f', '-6887561786203269920'],
  ['60d323f3295d8bd356e00da98e2fdd8b38cb80e1', '-7905175007565491019'],
  ['9eb726366db75b6f64d6f2038a3f37d4df4521ecd1', '-6052113352807736295'],
  ['2b5b54da1b165f59faba61b854337341a4866cee6ced', '-4089549122828971558'],
  ['e85639b475dacd3bb7b75c8dc4877cb3d5016352826dfa', '-4935925107024661565'],
  ['ab24bf45768324e9bd6f23a6f368c00076825f8b07d54afb', '-3902855124161128757'],
  ['d31ad1559a613a34d1d047592b3a76715517fa6b0336ef9ec7', '-7736240542336793741'],
  ['29ef3f1f616151219976ab6cfcf1ee7ed1081e109f29d80559b6', '6951833316664968483'],
  ['b83400c72dc8ace2c06999d2b061ab35001bb47221559f4707623a', '-9075820438934273137'],
  ['01b36bb5479c142568bddbcbadbfc9acf1bd1f9b639e4747003b706f', '3256810386372414555'],
  ['ec758d1394dd4f2dc4b2ef5d1718f1e47bd67e860ab2c6710cc97f353f', '-3809372605636500561'],
  ['22c5ba418d42c5a16ed0b60ed563be30141ff2e0e307356f30075cb8b801', '-6357896122458600702'],
  ['2e39023aba92a151ebc4299a010357ccd2f28d5193dc58d6b11881ada56471', '2165949573982156991'],
  ['a0b84b7c3e58cda156a4d11467d288a813b8f06e5e543904709763713f285f12', '-8322153600395951227'],
  ['ef3766719be5f6a21ac4bf4d829ca809b12a94f255e2a360e6d5caef3fb57d794f', '6586529755930778610'],
  ['fe5c98013d9805a988c10d9ec7e309947f9e01e0aea28e6fb1fb37242701da805ebc', '-3087678987427005416'],
  ['2d481d9164f7998e46ec6f288ccf01544aada882c23f61dfefebabde3f6288e38da8bd', '6244484882710631394'],
  ['3294f226a1cadf272419e61d572aab1faef89cd85dbf5dee966d08f09a88197b92745246', '7762723594368784635'],
  ['fbe20dba7ecfc7df69c37ffb89ff543f070f327720635f820b574f59ed4de8495b02addade', '2745026192222759361'],
  ['0a4fbed78ef5cfd0e2a3452681851ce3d9eb4c394ecd3496c6ed699b7df25d60aaaf1eb72e15', '7733330769739996292'],
  ['c5abf8a7b86a7e6d188b22e59914f3fc921c40ee820a83f7614e74dc2b9cf1e1654b58c7188ade', '6651765953137889940'],
  ['c3604d0841b0c7eaa178f4e7524f2c9151c0d6deb8ac33f21980e997b6b49cf36380ed68e150674a', '-6154354289309374907'],
];

describe("cassandra-driver's Murmur3 tokenizer, patched", () => {
  const tokenizer = new Murmur3Tokenizer();

  it.each(CASSANDRA_TOKENS)('%s has the token Cassandra gave it', (hex, expected) => {
    expect(tokenizer.hash(Buffer.from(hex, 'hex')).toString()).toBe(expected);
  });

  it('hashes without MutableLong arithmetic (the patch is in effect)', () => {
    const multiply = MutableLong.prototype.multiply;
    let calls = 0;
    MutableLong.prototype.multiply = function (this: MutableLongPrototype, ...args: unknown[]) {
      calls++;
      return multiply.apply(this, args);
    };
    try {
      tokenizer.hash(Buffer.from('0123456789abcdef0123456789abcdef', 'hex'));
    } finally {
      MutableLong.prototype.multiply = multiply;
    }
    expect(calls).toBe(0);
  });
});
