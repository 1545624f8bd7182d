import sys

from relay.ops.concurrency import UnknownWorker, prepare_process

# First of all: `serve` on gevent must patch the standard library before psycopg is imported.
try:
    prepare_process(sys.argv[1:])
except UnknownWorker as error:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(2)

from relay.ops.cli import main  # noqa: E402

sys.exit(main())
