"""The differential fuzzer of tests/library/test_fuzz.py: random programs built identically in
minigrad and in PyTorch (programs.py), the op table that maps each operation to both
(optable.py).  ``python -m tests.library.fuzz --programs 5000`` runs a long campaign and prints
its counts; ``--seed S`` replays one program."""
