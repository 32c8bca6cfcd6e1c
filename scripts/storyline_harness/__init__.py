"""What the end-to-end tests, the soak, the benchmark and the eval share about driving a real daemon.

Modules by concept: `service_manager` (NOTIFY_SOCKET and the manager's variables), `daemon` (one
`storyline run` process), `timeline` (reading what it writes), `archive` (where it puts a judged file),
`logrotate` (the shipped rotation aimed at a test timeline), `proc` (/proc/PID figures), `docs`
(writing a run into docs/). Standard library only: soak.py and bench.py must run where pytest and
jsonschema are not installed.

Importers put this package's parent directory (scripts/) on sys.path: Tests/EndToEnd/conftest.py, and
each script from its own __file__.
"""
