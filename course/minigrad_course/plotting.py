"""matplotlib for the course: pyplot on a non-interactive back end, and the two things done
with a figure — a lesson shows it, the command line saves it."""
from pathlib import Path


def pyplot():
    """matplotlib.pyplot on a non-interactive back end (Agg) unless a notebook chose one."""
    import matplotlib
    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save(fig, directory, name, dpi=110):
    """Save ``fig`` as ``directory/name.png``, close it, and return the path."""
    path = Path(directory) / f"{name}.png"
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    pyplot().close(fig)
    return path


def show(fig):
    """Display ``fig`` in a notebook (a plain ``print`` of it elsewhere), then close it, so
    that it is shown once and nothing is written anywhere.  Returns None, so that a cell ending
    in show(...) does not display the figure a second time."""
    from IPython.display import display
    display(fig)
    pyplot().close(fig)
