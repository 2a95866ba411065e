"""What a stage's result depends on, hashed exactly: its code, its data files, its libraries.

A stage declares the code it runs (modules or packages; by default the stage
function's own subpackage), the data files it reads from the package (a report
template, say) and the libraries whose results it relies on. Its code
fingerprint covers those modules and every ``pipeline`` module they import,
followed through the imports as they are written in the source, so a stage is
never keyed on code it does not use. Each module is hashed by its syntax tree
with docstrings removed, so an edited comment or docstring reruns nothing while
any edit to what runs does. Library versions come from the installed
distributions' metadata.

>>> a = source_digest("x = 1  # one\\n")
>>> a == source_digest("x = 1\\n") == source_digest("'''Doc.'''\\nx = 1\\n")
True
>>> a == source_digest("x = 2\\n")
False
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import importlib.util
import inspect
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

PACKAGE = "pipeline"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = PACKAGE_DIR  # where a stage's declared data files are (paths relative to it)


def _without_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]
    return tree


def source_digest(source: str) -> str:
    """sha256 of the code's syntax tree, comments and docstrings left out."""
    tree = _without_docstrings(ast.parse(source))
    return hashlib.sha256(ast.dump(tree, include_attributes=False).encode()).hexdigest()


def module_file(name: str) -> Path | None:
    """The source file of module ``name`` (a package: its ``__init__.py``), or None."""
    parts = name.split(".")
    if parts[0] == PACKAGE:  # our own modules: by path, without importing anything
        base = PACKAGE_DIR.joinpath(*parts[1:])
        for path in (base / "__init__.py", base.with_suffix(".py")):
            if path.is_file():
                return path
        return None
    loaded = sys.modules.get(name)
    origin = getattr(loaded, "__file__", None)
    if origin and origin.endswith(".py"):
        return Path(origin)
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def _is_package(name: str) -> bool:
    path = module_file(name)
    return path is not None and path.name == "__init__.py"


def _package_modules(name: str) -> list[str]:
    """A package's own modules and subpackages, all the way down."""
    folder = module_file(name).parent
    names = [name]
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(folder).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            names.append(".".join((name, *parts)))
    return names


def _imports(name: str, source: str) -> set[str]:
    """The ``pipeline`` modules that ``source`` (of module ``name``) imports."""
    found: set[str] = set()
    package = name if _is_package(name) else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target != PACKAGE and not target.startswith(PACKAGE + "."):
                continue
            found.add(target)
            # "from pipeline.nlp import docs" imports the module pipeline.nlp.docs
            found.update(f"{target}.{a.name}" for a in node.names
                         if module_file(f"{target}.{a.name}") is not None)
    return {m for m in found if m == PACKAGE or m.startswith(PACKAGE + ".")}


def _module_facts(name: str, path: Path, memo: dict | None) -> tuple[str, set[str]]:
    """(digest, pipeline imports) of a module's source, remembered in ``memo`` by the
    file's path, size and modification time, so an edited file is read again."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if memo is not None and key in memo:
        return memo[key]
    source = path.read_text(encoding="utf-8")
    facts = (source_digest(source), _imports(name, source))
    if memo is not None:
        memo[key] = facts
    return facts


def module_closure(names: Iterable[str], memo: dict | None = None) -> list[str]:
    """The named modules (a package stands for all its modules) and every pipeline module
    they import, directly or not, sorted. ``memo``: a dict the caller keeps between calls
    (one run) so that each file is parsed once."""
    todo: list[str] = []
    for name in names:
        todo.extend(_package_modules(name) if _is_package(name) else [name])
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = module_file(name)
        if path is None:
            continue
        seen.add(name)
        todo.extend(_module_facts(name, path, memo)[1] - seen)
    return sorted(seen)


def code_fingerprint(modules: Iterable[str], memo: dict | None = None) -> dict[str, str]:
    """Digest of each module in the closure of ``modules``, by module name."""
    memo = {} if memo is None else memo
    return {name: _module_facts(name, module_file(name), memo)[0]
            for name in module_closure(modules, memo)}


def function_fingerprint(func: Callable[..., Any]) -> dict[str, str]:
    """For a function written in a notebook or script: its own source, and the pipeline
    modules of the names it refers to (so other cells of the notebook change nothing)."""
    try:
        own = source_digest(inspect.cleandoc("\n" + inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        code = func.__code__
        own = hashlib.sha256(repr((code.co_code, code.co_consts, code.co_names))
                             .encode()).hexdigest()
    scope = getattr(func, "__globals__", {})
    used = {getattr(scope[n], "__module__", None) or getattr(scope[n], "__name__", "")
            for n in _referenced_names(func.__code__) if n in scope}
    modules = [m for m in used if isinstance(m, str) and m.startswith(PACKAGE + ".")]
    return {f"{func.__module__}.{func.__qualname__}": own, **code_fingerprint(modules)}


def _referenced_names(code) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= _referenced_names(const)
    return names


def default_code(func: Callable[..., Any]) -> tuple[str, ...]:
    """What a stage runs when it declares nothing: a built-in stage's whole subpackage
    (``pipeline.stages.<name>``), else the function's own module."""
    module = getattr(func, "__module__", "") or ""
    parts = module.split(".")
    if parts[:2] == [PACKAGE, "stages"] and len(parts) > 2:
        return (".".join(parts[:3]),)
    if parts[:2] == [PACKAGE, "charts"]:
        return (".".join(parts[:2]),)
    return (module,)


def data_fingerprint(files: Iterable[str]) -> dict[str, str]:
    """sha256 of each declared data file (a path relative to the ``pipeline`` package)."""
    out = {}
    for name in files:
        path = DATA_DIR / name
        out[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
    return out


def library_versions(distributions: Iterable[str]) -> dict[str, str]:
    """Installed version of each distribution ("not installed" when absent)."""
    out = {}
    for name in distributions:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def changed(old: dict[str, str] | Any, new: dict[str, str]) -> list[str]:
    """Names whose digest differs between two fingerprints (all, when ``old`` is not one)."""
    if not isinstance(old, dict):
        return sorted(new)
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
