"""Reading a submission's code on the trusted side: which APIs a function can reach, whatever the alias.

A property such as "gradient() uses no autograd" cannot be decided by watching the student's
process alone, since the student's code shares that process with the watcher. So the grader
also reads every ``.py`` file of the submission with :mod:`ast` (never importing or running
it) and follows, from a function, everything it can run: its body, the module-level code of
its module and of every submission module it imports, and the submission's functions and
classes it names, transitively. Names are resolved to dotted API paths through every import
and assignment alias. A construct the reading cannot see through (``getattr`` with a computed
name, ``sys.modules``, ``eval``, ``torch._C``...) is reported as such: the grader cannot vouch
for code it cannot follow.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: Other dotted paths that reach the same thing as a watched API.
ALIASES: dict[str, tuple[str, ...]] = {
    "torch.nn.functional.one_hot": ("torch._C._nn.one_hot", "torch.ops.aten.one_hot"),
    "torch.autograd.grad": ("torch.autograd.functional", "torch.func", "functorch", "torch.autograd.grad_mode.grad"),
    "torch.autograd.backward": ("torch.autograd.__init__.backward",),
    "torch.Tensor.backward": ("torch._tensor.Tensor.backward",),
}
#: The calls that turn autograd off for the code they wrap.
GRAD_OFF = ("torch.no_grad", "torch.inference_mode", "torch.set_grad_enabled", "torch.autograd.no_grad",
            "torch.autograd.grad_mode.no_grad", "torch.autograd.grad_mode.inference_mode",
            "torch.autograd.set_grad_enabled", "torch.autograd.grad_mode.set_grad_enabled")
#: What the grad-mode signals of a run read: patching them forges the run's evidence.
GRAD_MODE = ("torch.is_grad_enabled", "torch.is_inference_mode_enabled", *GRAD_OFF)

_OPAQUE_NAMES = {
    "vars": "vars()", "globals": "globals()", "locals": "locals()", "eval": "eval()", "exec": "exec()",
    "compile": "compile()", "__import__": "__import__()", "breakpoint": "breakpoint()",
}
_OPAQUE_ATTRIBUTES = {
    "__dict__", "__getattribute__", "__setattr__", "__delattr__", "__globals__", "__builtins__", "__code__",
    "__closure__", "__subclasses__", "__wrapped__", "f_back", "f_globals", "f_locals", "f_builtins", "tb_frame",
    "gi_frame", "cr_frame", "_getframe",
}
#: Modules whose use hides what code does: reflection, the interpreter's internals, torch's C core, the grader.
_OPAQUE_MODULES = ("sys.modules", "sys._getframe", "importlib", "ctypes", "gc.get_objects", "gc.get_referrers",
                   "gc.get_referents", "inspect", "builtins", "torch._C", "torch.ops", "torch._ops", "operator.attrgetter",
                   "operator.methodcaller", "types.FunctionType", "types.CodeType", "grader", "solutions", "pickle",
                   "marshal", "runpy", "code", "codeop", "pydoc", "pkgutil", "zipimport", "torch.overrides",
                   "torch.utils._python_dispatch", "torch._dynamo", "a chain of aliases too long to follow")
_REFLECTION = {"getattr", "setattr", "delattr", "hasattr"}
#: What a chain of aliases too long to follow resolves to; reported as opaque.
_TOO_DEEP = "a chain of aliases too long to follow"
#: Larger files are not parsed (the grader's own process must not be slowed by hostile input); code that imports one is opaque.
MAX_FILE_BYTES = 1_000_000
#: At most this much source is parsed for one submission; modules past it are not read (and so not vouched for).
MAX_TOTAL_BYTES = 4_000_000
#: Findings of :meth:`Reach.opaque` that reach the grader's own objects in the worker, not only torch's.
_TAMPERING = ("grader", "an assignment to grader", "sys.modules", "sys._getframe", "_getframe", "gc.", "ctypes", "inspect",
              "builtins", "f_back", "f_globals", "f_locals", "f_builtins", "tb_frame", "gi_frame", "cr_frame",
              "__globals__", "__builtins__", "__closure__", "__code__", "__subclasses__")


@dataclass(frozen=True)
class Finding:
    """One place in the submission: where it is, what it reaches, and the text as written."""

    file: str
    line: int
    api: str
    written: str

    def place(self) -> str:
        """``linear_model.py line 12``."""
        return f"{self.file} line {self.line}"


@dataclass
class _Module:
    name: str
    file: str
    tree: ast.Module
    source: str
    bindings: dict[str, ast.AST | str] = field(default_factory=dict)


class Submission:
    """Every parsable ``.py`` file of a submission folder, by module name, read but never run."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.modules: dict[str, _Module] = {}
        #: Modules too large to read, by name.
        self.unread: set[str] = set()
        self._read_bytes = 0
        for path in sorted(self.folder.rglob("*.py")):
            relative = path.relative_to(self.folder)
            if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            if not parts or not all(p.isidentifier() for p in parts):
                continue
            size = path.lstat().st_size
            if path.is_symlink() or not path.is_file() or size > MAX_FILE_BYTES or self._read_bytes + size > MAX_TOTAL_BYTES:
                self.unread.add(".".join(parts))
                continue
            self._read_bytes += size
            try:
                source = path.read_text(encoding="utf-8", errors="replace")
                tree = ast.parse(source, filename=str(relative))
            except (SyntaxError, ValueError, OSError):
                continue  # the worker reports an import that fails
            except (RecursionError, MemoryError):  # nested deeper than the parser follows: not vouched for
                self.unread.add(".".join(parts))
                continue
            self.modules[".".join(parts)] = _Module(".".join(parts), relative.as_posix(), tree, source)
        for module in self.modules.values():
            self._bind(module)

    def _bind(self, module: _Module) -> None:
        """Module-wide names: imports anywhere in the file, top-level definitions and assignments."""
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        module.bindings[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        module.bindings[top] = top
            elif isinstance(node, ast.ImportFrom):
                base = self._absolute(module, node)
                for alias in node.names:
                    if alias.name != "*":
                        module.bindings[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
        for node in module.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                module.bindings[node.name] = node
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        module.bindings[target.id] = node.value

    def _absolute(self, module: _Module, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        package = module.name.split(".")[: -node.level] if node.level else []
        return ".".join([*package, *([node.module] if node.module else [])])

    def resolve(self, module: _Module, expr: ast.AST, depth: int = 0) -> str | ast.AST | None:
        """The dotted path ``expr`` names (``torch.nn.functional.one_hot``), a submission definition, or None."""
        if depth > 40:
            return _TOO_DEEP
        if isinstance(expr, ast.Name):
            bound = module.bindings.get(expr.id)
            if isinstance(bound, str):
                return self._through_submission(bound, depth)
            if isinstance(bound, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                return bound
            if isinstance(bound, ast.expr) and bound is not expr:
                return self.resolve(module, bound, depth + 1)
            return None
        if isinstance(expr, ast.Attribute):
            owner = self.resolve(module, expr.value, depth + 1)
            return self._through_submission(f"{owner}.{expr.attr}", depth) if isinstance(owner, str) else None
        if isinstance(expr, ast.Call) and _is_constant_getattr(expr) and expr.func.id == "getattr":  # type: ignore[attr-defined]
            owner = self.resolve(module, expr.args[0], depth + 1)
            name = expr.args[1].value  # type: ignore[attr-defined]
            return self._through_submission(f"{owner}.{name}", depth) if isinstance(owner, str) else None
        return None

    def _through_submission(self, dotted: str, depth: int) -> str | ast.AST:
        """Follow ``helpers.f`` into the submission's own ``helpers`` module (a re-export, a definition)."""
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            name = ".".join(parts[:cut])
            if name in self.modules:
                if cut == len(parts):
                    return _ModuleRef(name)
                target = self.modules[name]
                attr = parts[cut]
                if attr in target.bindings:
                    found = self.resolve(target, ast.Name(id=attr, ctx=ast.Load()), depth + 1)
                    if isinstance(found, str):
                        return ".".join([found, *parts[cut + 1:]])
                    if found is not None and cut + 1 == len(parts):
                        return found
                return ".".join(parts)
        return dotted


class _ModuleRef(str):
    """A dotted name that is one of the submission's own modules."""


def _is_constant_getattr(node: ast.Call) -> bool:
    return (isinstance(node.func, ast.Name) and node.func.id in _REFLECTION and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str))


def _matches(path: str, api: str) -> bool:
    return path == api or path.startswith(api + ".")


def _same_name_in_torch(path: str, api: str) -> bool:
    """``torch.nn.modules.loss.F.one_hot`` is ``torch.nn.functional.one_hot``: torch's modules import each other."""
    return path.startswith("torch.") and not api.startswith("torch.Tensor.") and \
        path.rsplit(".", 1)[-1] == api.rsplit(".", 1)[-1]


class Reach:
    """The code a submission's function can run, with the questions the property checks ask of it."""

    def __init__(self, submission: Submission, module: str, functions: Iterable[str]) -> None:
        self.submission = submission
        self.module = module
        #: The module is too large or too deeply nested to read: nothing about it can be vouched for.
        self.unreadable = module in submission.unread
        self.missing = module not in submission.modules and not self.unreadable
        self._nodes: list[tuple[_Module, ast.AST]] = []
        seen: set[int] = set()
        todo: list[tuple[_Module, ast.AST]] = []
        if module in submission.modules:
            start = submission.modules[module]
            todo.append((start, _TopLevel(start.tree)))
            todo += [(start, start.bindings[f]) for f in functions if isinstance(start.bindings.get(f), ast.AST)]
        while todo:
            owner, node = todo.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            self._nodes.append((owner, node))
            todo += self._reached_from(owner, node)

    def _reached_from(self, owner: _Module, node: ast.AST) -> Iterator[tuple[_Module, ast.AST]]:
        for inner in _walk(node):
            if isinstance(inner, (ast.Import, ast.ImportFrom)):
                for name in self._imported_submission_modules(owner, inner):
                    target = self.submission.modules[name]
                    yield target, _TopLevel(target.tree)
            elif isinstance(inner, (ast.Name, ast.Attribute)):
                found = self.submission.resolve(owner, inner)
                if isinstance(found, ast.AST):
                    yield self._owner_of(found, owner), found

    def _imported_submission_modules(self, owner: _Module, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [self.submission._absolute(owner, node)] + [f"{self.submission._absolute(owner, node)}.{a.name}"
                                                                  for a in node.names])
        for name in names:
            parts = name.split(".")
            for cut in range(1, len(parts) + 1):
                if ".".join(parts[:cut]) in self.submission.modules:
                    yield ".".join(parts[:cut])

    def _owner_of(self, node: ast.AST, default: _Module) -> _Module:
        for module in self.submission.modules.values():
            if any(n is node for n in module.tree.body):
                return module
        return default

    def _expressions(self) -> Iterator[tuple[_Module, ast.AST]]:
        for owner, node in self._nodes:
            for inner in _walk(node):
                yield owner, inner

    def _finding(self, owner: _Module, node: ast.AST, api: str) -> Finding:
        written = ast.get_source_segment(owner.source, node) or api
        return Finding(owner.file, getattr(node, "lineno", 0), api, written.splitlines()[0][:80])

    def uses(self, apis: Iterable[str]) -> list[Finding]:
        """Every reference to one of ``apis`` (or an alias of it); methods also by name on receivers it cannot name."""
        wanted = {api: (api, *ALIASES.get(api, ())) for api in apis}
        method_like = {api.rsplit(".", 1)[-1]: api for api in sorted(wanted, key=lambda a: a.startswith("torch.Tensor."))}
        called = {id(node.func) for _, node in self._expressions() if isinstance(node, ast.Call)}
        found: list[Finding] = []
        for owner, node in self._expressions():
            if isinstance(node, (ast.Attribute, ast.Name)) or (isinstance(node, ast.Call) and _is_constant_getattr(node)):
                path = self.submission.resolve(owner, node)
                if isinstance(path, str) and not isinstance(path, _ModuleRef):
                    for api, forms in wanted.items():
                        if any(_matches(path, form) for form in forms) or _same_name_in_torch(path, api):
                            found.append(self._finding(owner, node, api))
                            break
                    continue
                if isinstance(node, ast.Attribute) and path is None and node.attr in method_like:
                    api = method_like[node.attr]
                    if api.startswith("torch.Tensor.") or id(node) in called:
                        found.append(self._finding(owner, node, api))
        return _unique(found)

    def opaque(self, patched: Iterable[str] = ()) -> list[Finding]:
        """Constructs the reading cannot see through, and assignments that patch ``patched`` APIs or the grader."""
        guarded = (*patched, "grader")
        found: list[Finding] = []
        if self.unreadable:
            found.append(Finding(f"{self.module}.py", 1, f"{self.module}.py, a file too large or too deeply nested "
                                 "to read", self.module))
        calls = [node for _, node in self._expressions() if isinstance(node, ast.Call)]
        constant_reflection = {id(node.func) for node in calls if _is_constant_getattr(node)}
        called = {id(node.func) for node in calls}
        for owner, node in self._expressions():
            if isinstance(node, ast.Name) and node.id in _OPAQUE_NAMES and node.id not in owner.bindings:
                found.append(self._finding(owner, node, _OPAQUE_NAMES[node.id]))
            elif isinstance(node, ast.Attribute) and node.attr in _OPAQUE_ATTRIBUTES:
                found.append(self._finding(owner, node, node.attr))
            elif isinstance(node, ast.Name) and node.id in _REFLECTION and node.id not in owner.bindings \
                    and id(node) not in constant_reflection:
                how = "with a computed name" if id(node) in called else "passed on as a value"
                found.append(self._finding(owner, node, f"{node.id}() {how}"))
            elif isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
                found.append(self._finding(owner, node, f"from {node.module or '.'} import *, which hides where names "
                                                        "come from"))
            elif isinstance(node, (ast.Attribute, ast.Name)):
                path = self.submission.resolve(owner, node)
                if isinstance(path, str) and not isinstance(path, _ModuleRef) \
                        and any(_matches(path, m) for m in _OPAQUE_MODULES):
                    found.append(self._finding(owner, node, path))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [self.submission._absolute(owner, node), *(f"{self.submission._absolute(owner, node)}.{a.name}"
                                                               for a in node.names)]
                found += [self._finding(owner, node, f"{name}.py, a file too large to read")
                          for name in names if name in self.submission.unread]
            found += self._patches(owner, node, guarded)
        return _unique(found)

    def tampering(self) -> list[Finding]:
        """The constructs that can reach the grader's own objects in the worker (its modules, frames, the heap)."""
        return [f for f in self.opaque() if f.api.startswith(_TAMPERING)]

    def _patches(self, owner: _Module, node: ast.AST, guarded: tuple[str, ...]) -> list[Finding]:
        targets: list[ast.AST] = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Call) and _is_constant_getattr(node) and node.func.id in ("setattr", "delattr"):  # type: ignore[attr-defined]
            targets = [ast.Attribute(value=node.args[0], attr=node.args[1].value, ctx=ast.Store(),  # type: ignore[attr-defined]
                                     lineno=node.lineno, col_offset=node.col_offset)]
        found = []
        for target in targets:
            if not isinstance(target, (ast.Attribute, ast.Subscript)):
                continue
            owner_path = self.submission.resolve(owner, target.value)
            if not isinstance(owner_path, str) or isinstance(owner_path, _ModuleRef):
                continue
            path = f"{owner_path}.{target.attr}" if isinstance(target, ast.Attribute) else owner_path
            if any(_matches(path, g) or _matches(g, path) for g in guarded):
                found.append(self._finding(owner, node, f"an assignment to {path}"))
        return found

    def turns_grad_off(self) -> list[Finding]:
        """The places that can turn autograd off: ``no_grad``, ``inference_mode``, ``set_grad_enabled(not True)``."""
        found = []
        for owner, node in self._expressions():
            if isinstance(node, ast.Call):
                path = self.submission.resolve(owner, node.func)
                if isinstance(path, str) and path in GRAD_OFF:
                    on = node.args[0] if node.args else None
                    if path.endswith("set_grad_enabled") and isinstance(on, ast.Constant) and on.value is True:
                        continue
                    found.append(self._finding(owner, node, path))
        return _unique(found)


class _TopLevel(ast.AST):
    """A module's code that runs when it is imported: its statements, less the bodies of its functions."""

    def __init__(self, tree: ast.Module) -> None:
        super().__init__()
        self.tree = tree


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node ``node`` can run; for a module, its top level, decorators and defaults but no function bodies."""
    if not isinstance(node, _TopLevel):
        yield from ast.walk(node)
        return
    for statement in node.tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for part in [*statement.decorator_list, *statement.args.defaults,
                         *[d for d in statement.args.kw_defaults if d is not None]]:
                yield from ast.walk(part)
        elif isinstance(statement, ast.ClassDef):
            for part in [*statement.decorator_list, *statement.bases, *statement.keywords]:
                yield from ast.walk(part)
        else:
            yield from ast.walk(statement)


def _unique(findings: list[Finding]) -> list[Finding]:
    return sorted(set(findings), key=lambda f: (f.file, f.line, f.api))


def reach(folder: Path | Submission, module: str, functions: Iterable[str]) -> Reach:
    """What ``module.function`` (for each of ``functions``) can run, read from the files in ``folder``.

    Pass a :class:`Submission` already read to ask several questions of one submission.
    """
    return Reach(folder if isinstance(folder, Submission) else Submission(folder), module, functions)
