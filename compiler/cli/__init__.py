"""The ``datasat`` command line: arguments, progress and exit codes (no accounting)."""
