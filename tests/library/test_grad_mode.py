"""Grad mode is per thread (as in PyTorch), and @no_grad() covers a generator's body.

The threads meet at barriers and events, so each test runs in one fixed interleaving."""
import threading

import pytest
import torch

import minigrad as mg

TIMEOUT = 10  # seconds: a barrier that is never reached fails the test instead of hanging


def run_threads(*targets):
    """Run each target in its own thread; re-raise the first exception one of them raised."""
    errors = []

    def wrapped(target):
        try:
            target()
        except BaseException as err:  # noqa: BLE001 - reported in the main thread
            errors.append(err)

    threads = [threading.Thread(target=wrapped, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
        assert not t.is_alive(), "a thread did not finish"
    if errors:
        raise errors[0]


def test_a_no_grad_block_in_one_thread_does_not_stop_recording_in_another():
    inside, recorded = threading.Event(), threading.Event()
    seen = {}

    def evaluator():
        with mg.no_grad():
            inside.set()
            assert recorded.wait(TIMEOUT)
            seen["eval"] = (mg.tensor([1.0], requires_grad=True) * 2).requires_grad

    def trainer():
        assert inside.wait(TIMEOUT)
        seen["enabled"] = mg.is_grad_enabled()
        seen["train"] = (mg.tensor([1.0], requires_grad=True) * 2).requires_grad
        recorded.set()

    run_threads(evaluator, trainer)
    assert seen == {"eval": False, "enabled": True, "train": True}


def test_interleaved_exits_leave_each_thread_as_it_was():
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    seen = {}

    # Entered by the first, then the second; left by the first, then the second.  One
    # process-wide flag would be restored to the first thread's "enabled", then to the
    # second's "disabled" (saved while the first was inside), and stay off.
    first_inside = threading.Event()

    def first():
        with mg.no_grad():
            first_inside.set()
            barrier.wait()  # both inside
        barrier.wait()  # the first has left
        barrier.wait()  # the second has left
        seen["first"] = mg.is_grad_enabled()

    def second():
        assert first_inside.wait(TIMEOUT)
        with mg.no_grad():
            barrier.wait()  # both inside
            barrier.wait()  # the first has left
        barrier.wait()  # the second has left
        seen["second"] = mg.is_grad_enabled()

    run_threads(first, second)
    assert seen == {"first": True, "second": True}
    assert mg.is_grad_enabled()


def test_a_new_thread_starts_with_grad_enabled_as_in_torch():
    seen = {}

    def child():
        seen["mg"] = mg.is_grad_enabled()
        seen["torch"] = torch.is_grad_enabled()

    with mg.no_grad(), torch.no_grad():
        run_threads(child)
        assert not mg.is_grad_enabled()
    assert seen == {"mg": True, "torch": True}


def test_backward_in_one_thread_does_not_turn_recording_off_in_another():
    in_backward, recorded = threading.Event(), threading.Event()
    seen = {}

    class Waits(mg.autograd.Function):
        """Identity whose backward waits until the other thread has recorded."""

        def forward(self, a):
            return a

        def backward(self, g):
            seen["inside"] = mg.is_grad_enabled()  # off, in this thread only
            in_backward.set()
            assert recorded.wait(TIMEOUT)
            return (g,)

    def trainer():
        x = mg.tensor([1.0, 2.0], requires_grad=True)
        Waits.apply(x).sum().backward()

    def other():
        assert in_backward.wait(TIMEOUT)
        seen["other"] = (mg.tensor([1.0], requires_grad=True) * 2).requires_grad
        recorded.set()

    run_threads(trainer, other)
    assert seen == {"inside": False, "other": True}


def test_one_decorated_function_in_two_threads_at_once():
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    seen = []

    @mg.no_grad()
    def evaluate():
        barrier.wait()
        seen.append(mg.is_grad_enabled())
        barrier.wait()

    def caller():
        evaluate()
        barrier.wait()
        seen.append(mg.is_grad_enabled())

    run_threads(caller, caller)
    assert seen == [False, False, True, True]


# --- generators ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lib", [mg, torch])
def test_no_grad_covers_a_generators_body_as_in_torch(lib):
    @lib.no_grad()
    def batches():
        for i in range(3):
            x = lib.tensor([float(i)], requires_grad=True)
            received = yield (x * 2).requires_grad, lib.is_grad_enabled()
            assert received is None
        return "done"

    gen = batches()
    for requires_grad, enabled in gen:
        assert (requires_grad, enabled) == (False, False)
        assert lib.is_grad_enabled(), "the caller's mode while the generator is paused"
    assert lib.is_grad_enabled()


def test_a_decorated_generator_passes_send_throw_close_and_return():
    @mg.no_grad()
    def echo():
        try:
            while True:
                got = yield mg.is_grad_enabled()
                if got == "stop":
                    return "returned"
        except KeyError:
            yield "caught", mg.is_grad_enabled()
        finally:
            seen.append(mg.is_grad_enabled())

    seen = []
    gen = echo()
    assert next(gen) is False and gen.send(1) is False
    with pytest.raises(StopIteration) as stop:
        gen.send("stop")
    assert stop.value.value == "returned" and seen == [False]
    gen = echo()
    next(gen)
    assert gen.throw(KeyError("x")) == ("caught", False)
    gen.close()
    assert seen == [False, False] and mg.is_grad_enabled()


def test_enable_grad_inside_no_grad_and_on_a_generator():
    @mg.enable_grad()
    def inner():
        yield mg.is_grad_enabled()

    with mg.no_grad():
        assert list(inner()) == [True]
        assert not mg.is_grad_enabled()
