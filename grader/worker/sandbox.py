"""The walls a worker puts up around itself before it imports student code (Linux).

In order, as root where the grader runs as root: a clean environment and a ``sys.path``
holding only the interpreter's folders and site-packages (never the instructor's working
folder); a new network namespace (no network at all) and IPC namespace (no SysV or POSIX
IPC object of another worker); a private mount namespace in which the worker's folder
(``grader-worker-<pid>``: a copy of the submission and a temporary folder) and ``/dev/shm``
are fresh size-limited file systems of its own, the copy is mounted over the submission's
path, ``solutions/`` and the checks are covered by empty folders, and folders only root may
enter (``/root`` holding the interpreter, say) are replaced by views showing only what the
worker needs; then a process namespace of its own, whose every process the kernel kills
when the worker ends; then a user and group of its own (``UID_BASE + pid``: a limit on
processes counts for it alone, and it cannot signal, trace or read another worker); then
Landlock rules: read only the interpreter, site-packages and the grader's worker modules,
write only its private folders, no TCP, no signals outside.

Each mechanism that the system lacks is skipped and named, and the run's report lists it.
"""

from __future__ import annotations

import ctypes
import functools
import os
import resource
import shutil
import signal
import site
import stat
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.shared.procs import processes_of, worker_uid
from grader.worker import landlock

_CLONE_NEWNS, _CLONE_NEWIPC, _CLONE_NEWPID, _CLONE_NEWNET = 0x00020000, 0x08000000, 0x20000000, 0x40000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_BIND, _MS_REC, _MS_PRIVATE = 4096, 16384, 1 << 18
_PR_SET_PDEATHSIG = 1
#: Environment variables a worker keeps; the rest (tokens, keys, paths) is dropped.
_KEPT_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER")
#: System folders of shared libraries a lazily loaded extension may need.
_SYSTEM_LIBRARIES = ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib", "/etc/ld.so.cache")
_GRADER_DIR = Path(__file__).resolve().parents[1]
#: What of the grader a worker may read: its own code and what both sides share (the wire, the offline data).
_WORKER_CODE = (_GRADER_DIR / "worker", _GRADER_DIR / "shared", _GRADER_DIR / "__init__.py")
#: What no worker may read: the reference solutions and the checks (hidden ones included).
FORBIDDEN = (_GRADER_DIR.parent / "solutions", _GRADER_DIR / "checks")


@dataclass
class Sandbox:
    """What :func:`isolate` set up for one worker, and what it could not."""

    submission_dir: Path
    private_dir: Path
    own_user: bool = False
    missing: list[str] = field(default_factory=list)


def private_dir(pid: int) -> Path:
    """The folder of worker ``pid``: its copy of the submission and its temporary files."""
    return Path(tempfile.gettempdir()) / f"grader-worker-{pid}"


def isolate(submission_dir: Path, *, cuda: bool = False, disk_mb: int | None = None,
            shm_mb: int | None = None) -> Sandbox:
    """Put this worker in its sandbox; the submission stays readable (and writable) at its path.

    ``disk_mb`` caps what its folder holds, ``shm_mb`` what its ``/dev/shm`` holds.
    """
    pid = os.getpid()  # the worker's user and folder are named after its pid outside its process namespace
    box = Sandbox(submission_dir=submission_dir, private_dir=private_dir(pid))
    root = sys.platform.startswith("linux") and os.geteuid() == 0
    readable = readable_paths(cuda=cuda)  # before the environment is cleaned: it reads LD_LIBRARY_PATH
    _make_private_dir(box.private_dir)
    _clean_environment(box.private_dir / "tmp")
    sys.path[:] = importable(sys.path)
    if not root:
        box.missing += [f"{name} (the grader is not running as root)" for name in _NEEDS_ROOT]
    else:
        _unshare(_CLONE_NEWNET, "network namespace", box.missing)
        _unshare(_CLONE_NEWIPC, "IPC namespace", box.missing)
        if _unshare(_CLONE_NEWNS, "mount namespace", box.missing):
            box.own_user = _private_mounts(box, pid, readable, disk_mb, shm_mb)
        else:
            box.missing += [f"{name} (it needs the mount namespace)" for name in _NEEDS_ROOT[2:]]
        if box.own_user:
            _enter_process_namespace(box.missing)
    if box.own_user:
        _drop_privileges(worker_uid(pid))
    try:
        landlock.restrict(read=readable, write=[submission_dir, box.private_dir, Path("/dev/shm")],
                          devices=[Path("/dev")])
    except OSError as exc:
        box.missing.append(f"file access rules ({exc.strerror or exc})")
    return box


#: What a worker lacks where the grader is not root; the last four need the mount namespace.
_NEEDS_ROOT = ("network namespace", "IPC namespace", "a user of its own per worker",
               "a size limit on its folder", "a private /dev/shm", "a process namespace of its own")


def importable(path: list[str]) -> list[str]:
    """``path`` without the entries a worker must not import from: the working folder, folders outside the interpreter's.

    Entries that name no file or folder (the editable install's hook) stay: they open nothing.
    """
    allowed = tuple(folder.rstrip("/") + "/" for folder in _interpreter_folders())
    return [entry for entry in path
            if entry and (not os.path.exists(entry) or (os.path.abspath(entry) + "/").startswith(allowed))]


#: The libraries every worker imports: the site-packages folders that hold them are the worker's too.
_LIBRARIES = ("torch", "torchvision", "numpy")


def _interpreter_folders() -> set[str]:
    """The interpreter, its standard library and site-packages: the only folders a worker imports from.

    Site-packages are the interpreter's own, the ``site-packages``/``dist-packages`` folders on
    ``sys.path`` (a virtual environment that sees another's packages), and the folders that
    hold torch, torchvision and numpy, whose lazy imports reach their neighbours.
    """
    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix, *sysconfig.get_paths().values(), *site.getsitepackages(),
               os.path.dirname(os.path.realpath(sys.executable))}
    folders |= {entry for entry in sys.path if os.path.basename(entry.rstrip("/")) in ("site-packages", "dist-packages")}
    for name in _LIBRARIES:
        package = getattr(sys.modules.get(name), "__file__", None)
        if isinstance(package, str):
            folders.add(os.path.dirname(os.path.dirname(package)))
    return {os.path.abspath(folder) for folder in folders if folder}


def _make_private_dir(path: Path) -> None:
    if path.is_symlink():
        path.unlink()
    elif path.exists():  # left by an earlier worker whose pid this one reuses
        shutil.rmtree(path)
    path.mkdir(mode=0o700)
    (path / "tmp").mkdir()


def _clean_environment(tmp: Path) -> None:
    kept = {k: os.environ[k] for k in _KEPT_ENVIRONMENT if k in os.environ}
    os.environ.clear()
    os.environ.update(kept, HOME=str(tmp), TMPDIR=str(tmp))
    tempfile.tempdir = str(tmp)


def _private_mounts(box: Sandbox, pid: int, readable: list[Path], disk_mb: int | None, shm_mb: int | None) -> bool:
    """Give the worker its own folder and ``/dev/shm``, copy the submission in, arrange its view of the files.

    Returns whether it may drop root.
    """
    copy, uid = box.private_dir / "submission", worker_uid(pid)
    private = _MS_NOSUID | _MS_NODEV
    try:
        _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
        _mount("tmpfs", box.private_dir, "tmpfs", private, _tmpfs_options(disk_mb, "0700"))
        _mount("tmpfs", "/dev/shm", "tmpfs", private | _MS_NOEXEC, _tmpfs_options(shm_mb, "1777"))
        (box.private_dir / "tmp").mkdir(exist_ok=True)
        shutil.copytree(box.submission_dir, copy, symlinks=True)
        for path in [box.private_dir, *box.private_dir.rglob("*")]:
            os.lchown(path, uid, uid)
        for hidden in FORBIDDEN:
            if hidden.is_dir() and not box.submission_dir.resolve().is_relative_to(hidden):
                _mount("tmpfs", hidden, "tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, "size=4k,mode=0555")
        needed = [*readable, box.submission_dir, box.private_dir]
        _reveal([p for p in needed if p.exists()], uid)
        _mount(copy, box.submission_dir, None, _MS_BIND | _MS_REC)
    except OSError as exc:
        box.missing += [f"{name} (could not arrange its files: {exc})" for name in _NEEDS_ROOT[2:]]
        return False
    return True


def _tmpfs_options(size_mb: int | None, mode: str) -> str:
    return f"mode={mode}" + (f",size={size_mb}m" if size_mb is not None else "")


def _enter_process_namespace(missing: list[str]) -> None:
    """Go on as the first process of a new process namespace, so that none it starts outlives it.

    The process that called this stays outside, waits, and ends exactly as the worker ended
    (exit code or signal), so the grader's verdicts read the same; if it is killed, the
    worker is too (parent-death signal), and with the worker the kernel kills the namespace.
    """
    if not _unshare(_CLONE_NEWPID, "a process namespace of its own", missing):
        return
    child = os.fork()
    if child == 0:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        return
    _wait_and_end_as(child)


def _wait_and_end_as(child: int) -> None:
    os.closerange(0, 65536)  # the worker's channel and output must close when the worker ends
    _, status = os.waitpid(child, 0)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [sig])
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)


def _reveal(needed: list[Path], uid: int) -> None:
    """Make every path of ``needed`` reachable by ``uid``, whose folders above may be closed to it.

    A folder only its owner may enter (``/root``, a ``0700`` temporary folder) is covered,
    in this mount namespace only, by an empty one anybody may enter, into which the entries
    that lead to ``needed`` are mounted back; nothing else of the folder is visible.
    """
    for _ in range(64):
        closed = _topmost_closed_folder(needed, uid)
        if closed is None:
            return
        entries = sorted({p.relative_to(closed).parts[0] for p in needed if p != closed and p.is_relative_to(closed)})
        handles = {name: os.open(closed / name, os.O_PATH | os.O_CLOEXEC) for name in entries}
        try:
            _mount("tmpfs", closed, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=64k,mode=0755")
            for name, fd in handles.items():
                target = closed / name
                if stat.S_ISDIR(os.fstat(fd).st_mode):
                    target.mkdir()
                else:
                    target.touch()
                _mount(f"/proc/self/fd/{fd}", target, None, _MS_BIND | _MS_REC)
        finally:
            for fd in handles.values():
                os.close(fd)
    raise OSError("folders nested too deep to reveal")


def _topmost_closed_folder(paths: list[Path], uid: int) -> Path | None:
    folders = {folder for path in paths for folder in path.parents}
    closed = [folder for folder in folders if not _enterable(folder, uid)]
    return min(closed, key=lambda p: len(p.parts)) if closed else None


def _enterable(folder: Path, uid: int) -> bool:
    info = folder.stat()
    return bool(info.st_mode & stat.S_IXOTH) or (info.st_uid == uid and bool(info.st_mode & stat.S_IXUSR))


@functools.lru_cache(maxsize=2)
def readable_paths(cuda: bool) -> list[Path]:
    """What a worker may read: the interpreter, its libraries, site-packages, the worker's modules.

    The same for every worker forked from one zygote, so computed once there.
    """
    folders = _interpreter_folders() | set(_SYSTEM_LIBRARIES) | {str(path) for path in _WORKER_CODE}
    # Modules the zygote imported from elsewhere (PYTHONPATH, say): those files alone; of the
    # grader, nothing beyond its worker code.
    prefixes = tuple(f.rstrip("/") + "/" for f in [*folders, str(_GRADER_DIR)])
    for module in list(sys.modules.values()):
        origin = getattr(module, "__file__", None)
        if isinstance(origin, str) and not origin.startswith(prefixes):
            folders.add(origin)
    folders.add("/proc/self")
    if cuda:  # the CUDA driver reads its state from /proc and /sys, its libraries from the loader's path
        folders |= {"/proc", "/sys", *_loader_folders()}
    return sorted(Path(f) for f in folders if os.path.isabs(f) and not _holds_forbidden(Path(f)))


def _loader_folders() -> set[str]:
    """Where the dynamic loader finds libraries (``libcuda`` is loaded only when CUDA starts)."""
    folders = {p for p in os.environ.get("LD_LIBRARY_PATH", "").split(":") if p}
    for conf in Path("/etc/ld.so.conf.d").glob("*.conf"):
        try:
            folders |= {line.strip() for line in conf.read_text().splitlines() if line.strip().startswith("/")}
        except OSError:
            continue
    return folders | {"/usr/local/cuda", "/usr/local/nvidia"}


def _holds_forbidden(path: Path) -> bool:
    return any(hidden.is_relative_to(path) or path.is_relative_to(hidden) for hidden in FORBIDDEN)


def _unshare(flag: int, name: str, missing: list[str]) -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(flag) != 0:
        missing.append(f"{name} ({os.strerror(ctypes.get_errno())})")
        return False
    return True


def _mount(source: str | Path | None, target: str | Path, fstype: str | None, flags: int, data: str | None = None) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    encode = lambda value: None if value is None else os.fsencode(str(value))  # noqa: E731
    if libc.mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"mount on {target}: {os.strerror(code)}")


def _drop_privileges(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    # Linux clears the parent-death signal when the credentials change: set it again.
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def sweep(pid: int) -> None:
    """After worker ``pid`` ended: kill what it left running under its user, remove its folder.

    Run by the zygote as root. A worker's processes are killed with its process group, but
    one that started a session of its own escapes that; none escapes its user id.
    """
    if sys.platform.startswith("linux") and os.geteuid() == 0:
        uid = worker_uid(pid)
        for _ in range(50):
            if not _kill_processes_of(uid):
                break
    shutil.rmtree(private_dir(pid), ignore_errors=True)


def _kill_processes_of(uid: int) -> bool:
    found = False
    for pid in processes_of(uid):
        try:
            os.kill(pid, signal.SIGKILL)
            found = True
        except OSError:
            continue
    return found
