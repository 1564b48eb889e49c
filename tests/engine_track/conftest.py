"""The ``task`` marker of the build-the-engine track (this file travels with the tests into the
student edition and the autograder)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "task(name): the test checks the engine-track task `name`")
