"""One CQL query with the Python driver: how the secure-stack tests reach Cassandra as another client would.

Reads {"host", "port", "ca"?, "username"?, "password"?} as JSON on stdin (never argv: `ps` shows that)
and prints the release version, or "refused: <error class>" and exits 1.
"""
import json
import ssl
import sys

from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster, NoHostAvailable
from cassandra.policies import DCAwareRoundRobinPolicy

options = json.load(sys.stdin)
context = None
if options.get("ca"):
    context = ssl.create_default_context(cafile=options["ca"])
auth = None
if options.get("username"):
    auth = PlainTextAuthProvider(options["username"], options["password"])
cluster = Cluster(
    [options["host"]],
    port=options["port"],
    ssl_context=context,
    auth_provider=auth,
    load_balancing_policy=DCAwareRoundRobinPolicy(local_dc="datacenter1"),
    protocol_version=5,
    connect_timeout=5,
)
try:
    session = cluster.connect()
    print(session.execute("SELECT release_version FROM system.local").one()[0])
except NoHostAvailable as err:
    print("refused: " + "; ".join(type(e).__name__ + ": " + str(e) for e in err.errors.values()))
    sys.exit(1)
except Exception as err:  # noqa: BLE001 - the test reads the class and message
    print("refused: " + type(err).__name__ + ": " + str(err))
    sys.exit(1)
finally:
    cluster.shutdown()
