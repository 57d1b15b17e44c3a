"""Writer schemas from the Confluent Schema Registry API (Apicurio's ccompat API natively)."""
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Optional


class RegistryError(Exception):
    """The registry did not answer, or answered something that is not the Confluent API."""


class SchemaRegistry:
    def __init__(self, url: str, timeout_s: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s

    def _get(self, path: str) -> Optional[Any]:
        """The JSON body of GET <url><path>; None for a 404 (no such subject, version or id)."""
        request = urllib.request.Request(
            self.url + path, headers={"Accept": "application/vnd.schemaregistry.v1+json, application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return json.load(response)
        except urllib.error.HTTPError as err:
            if err.code == 404:
                return None
            raise RegistryError(f"GET {self.url}{path} answered HTTP {err.code}: {err.read()[:300]!r}") from err
        except (urllib.error.URLError, OSError, ValueError) as err:
            raise RegistryError(f"GET {self.url}{path} failed: {err}") from err

    def subject_schemas(self, subject: str) -> dict[int, str]:
        """Every version registered under the subject, as schema id -> schema JSON ({} if none yet)."""
        quoted = urllib.parse.quote(subject, safe="")
        versions = self._get(f"/subjects/{quoted}/versions") or []
        schemas: dict[int, str] = {}
        for version in versions:
            entry = self._get(f"/subjects/{quoted}/versions/{version}")
            if entry is not None:
                schemas[int(entry["id"])] = entry["schema"]
        return schemas

    def schema_by_id(self, schema_id: int) -> Optional[str]:
        """The schema a record's header names; None if the id does not resolve."""
        entry = self._get(f"/schemas/ids/{schema_id}")
        return None if entry is None else entry["schema"]
