"""The library's shape: its imports form a DAG in the order of the derivation chain, every
import of a library module stands at the top of its file, and every primitive declares the
facts that the tools read."""
import ast
import inspect

import pytest

from minigrad import ops
from minigrad.autograd import Function

from .. import ROOT

PACKAGE = ROOT / "minigrad"
OPTIONAL = {"cupy", "graphviz", "sklearn", "tqdm"}  # imported where they are needed, if at all


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def resolve(importer, node):
    """The minigrad modules that one import statement of module ``importer`` names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "minigrad"]
    package = importer.split(".")
    is_package = (PACKAGE.parent / importer.replace(".", "/") / "__init__.py").is_file()
    if node.level:
        base = package[:len(package) - node.level + (1 if is_package else 0)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module
    if target.split(".")[0] != "minigrad":
        return []
    names = []
    for alias in node.names:  # `from . import losses` imports a submodule
        candidate = f"{target}.{alias.name}"
        path = PACKAGE.parent / candidate.replace(".", "/")
        names.append(candidate if path.is_dir() or path.with_suffix(".py").is_file() else target)
    return names


def library_modules():
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def import_graph():
    """module → the library modules it imports (a package's import of its own submodules
    included)."""
    graph = {}
    for name, path in library_modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = {t for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                       for t in resolve(name, node) if t != name}
    return graph


def find_cycle(graph):
    """One import cycle as a list of modules, or None."""
    state = {}

    def visit(module, path):
        state[module] = "open"
        for dep in sorted(graph.get(module, ())):
            if state.get(dep) == "open":
                return path[path.index(dep):] + [dep] if dep in path else [module, dep]
            if dep not in state:
                cycle = visit(dep, path + [dep])
                if cycle:
                    return cycle
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module, [module])
            if cycle:
                return cycle
    return None


def test_the_library_imports_form_no_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle)


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_core_reads_in_the_order_of_the_derivation_chain():
    """backend → autograd → ops → tensor → functional → creation → losses → nn → optim/train:
    no module imports one that comes after it."""
    chain = ["minigrad.backend", "minigrad.autograd", "minigrad.ops", "minigrad.tensor",
             "minigrad.functional", "minigrad.creation", "minigrad.losses", "minigrad.nn",
             "minigrad.optim"]
    graph = import_graph()

    def layer(module):
        for i, prefix in reversed(list(enumerate(chain))):
            if module == prefix or module.startswith(prefix + "."):
                return i
        return None

    for module, deps in graph.items():
        if layer(module) is None:
            continue
        later = [d for d in deps if layer(d) is not None and layer(d) > layer(module)]
        assert not later, f"{module} imports {later}, which come after it in the chain"


@pytest.mark.parametrize("name", sorted(library_modules()))
def test_imports_stand_at_the_top_of_the_file(name):
    """No import at the bottom of a file, none inside a function; optional packages only
    (CuPy, graphviz, scikit-learn, tqdm) are imported where they are first needed."""
    tree = ast.parse(library_modules()[name].read_text(encoding="utf-8"))
    first_definition = next((n.lineno for n in tree.body
                             if isinstance(n, (ast.FunctionDef, ast.ClassDef))), None)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        at_top = node in tree.body and (first_definition is None or node.lineno < first_definition)
        if at_top:
            continue
        roots = {a.name.split(".")[0] for a in node.names} if isinstance(node, ast.Import) \
            else {(node.module or "").split(".")[0]}
        assert getattr(node, "level", 0) == 0 and roots <= OPTIONAL, \
            f"{name}, line {node.lineno}: import below the top of the file"


def primitives():
    found = []
    for module in (ops.pointwise, ops.reduce, ops.shape, ops.matmul):
        found += [cls for _, cls in inspect.getmembers(module, inspect.isclass)
                  if issubclass(cls, Function) and cls.__module__ == module.__name__
                  and "forward" in cls.__dict__]
    return found


@pytest.mark.parametrize("cls", primitives(), ids=lambda c: c.__name__)
def test_every_primitive_declares_its_facts(cls):
    assert cls.rule and "d/d" in cls.rule or "Backward" in cls.rule, cls.rule
    assert isinstance(cls.elementwise, bool)
    assert cls.op_name and cls.op_name == cls.op_name.lower()
    names = cls.argument_names()
    assert names is None or (names and all(isinstance(n, str) for n in names))


def test_the_pointwise_primitives_and_only_they_are_elementwise():
    elementwise = {cls.__name__ for cls in primitives() if cls.elementwise}
    pointwise = {cls.__name__ for cls in primitives() if cls.__module__.endswith("pointwise")}
    assert elementwise == pointwise | {"Cast"}
