"""Topic profiles: what a study is about, as an overlay on the data files (docs/profiles.md).

A profile is one YAML file (`data/profiles/<name>.yaml`, or any path): `name`, `title`, `target` (the words that name
the target: `terms`, the generic nouns such as *công ước*, *hiệp ước*, *văn kiện*; `names`, its full and short
names and acronyms) and `data` (keys of the data files to replace, extend or trim). The target's words replace the
default profile's wherever a data file names the target (the keys listed in `profiles/target_keys.yaml`), so cues
about another treaty stop counting for the target. `data_files(profile)` writes the overlaid files once, under a
folder named by their contents, and returns {data file name: path}: what every layer reads instead of the shipped
file. The default profile (`hanoi_convention`, the Convention against Cybercrime) changes nothing.

`data` values: a value replaces the key; `{add: [...]}` appends words to a list, `{remove: [...]}` removes them;
a key path walks nested keys with `.` and every item of a list with `*` (`acts.*.objects`). For a CSV data file
(`organizations.csv`), `{add_rows: [{column: value, ...}, ...]}` appends rows and `{remove_rows: [id, ...]}` drops
the rows whose first column is one of the ids, profile by profile along `extends` (each profile's removals before
its rows, so a row can be replaced: "ICC" is the International Criminal Court in coverage of the Rome Statute, not
the Chamber of Commerce); two rows with one id are an error.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from pathlib import Path
from typing import Any

import yaml

from vnpress.data import path as data_path
from vnpress.util.atomic import replacing

PROFILES_DIR = data_path("profiles")
DEFAULT = "hanoi_convention"
TARGET_KEYS = PROFILES_DIR / "target_keys.yaml"
KEYS = {"name", "title", "description", "extends", "target", "data"}


class ProfileError(ValueError):
    """A profile that cannot be applied: the message names the file and the problem."""


def available() -> list[str]:
    """The names of the shipped profiles."""
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml") if p != TARGET_KEYS)


def find(profile: str | Path) -> Path:
    """The file of a profile given by name (a shipped profile) or by path."""
    candidate = Path(profile).expanduser()
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        if not candidate.is_file():
            raise ProfileError(f"{candidate}: no such profile file")
        return candidate
    if str(profile) not in available():
        raise ProfileError(f"unknown profile {profile!r}; shipped: {', '.join(available())} (or give a .yaml path)")
    return PROFILES_DIR / f"{profile}.yaml"


def _read(path: str) -> dict[str, Any]:
    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ProfileError(f"{path}: not a readable YAML profile ({str(e).splitlines()[0]})") from None
    if not isinstance(spec, dict) or not spec.get("name"):
        raise ProfileError(f"{path}: a profile is a mapping with at least a `name`")
    unknown = set(spec) - KEYS
    if unknown:
        raise ProfileError(f"{path}: unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(KEYS))})")
    target = spec.get("target") or {}
    if not isinstance(target, dict) or set(target) - {"terms", "names"}:
        raise ProfileError(f"{path}: `target` has the lists `terms` and `names` only")
    return spec


def read(profile: str | Path) -> dict[str, Any]:
    """A profile's contents, checked (ProfileError names the file and the problem)."""
    return _read(str(find(profile)))  # read each time: a profile edited in a running kernel is never stale


def _chain(profile: str | Path, seen: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The profile and those it extends, base first (`extends`: a shipped name or a path)."""
    spec = read(profile)
    if spec["name"] in seen:
        raise ProfileError(f"{find(profile)}: `extends` loops through {' -> '.join(seen + (spec['name'],))}")
    base = _chain(spec["extends"], seen + (spec["name"],)) if spec.get("extends") else []
    return base + [spec]


def _target(chain: list[dict]) -> dict:
    """The target of the last profile in the chain that names one."""
    return next((s["target"] for s in reversed(chain) if s.get("target")), {})


def _words(spec: dict) -> list[str]:
    target = spec.get("target") or {}
    return [*(target.get("terms") or []), *(target.get("names") or [])]


def _walk(node: Any, keys: list[str], where: str, optional: bool = False) -> list[tuple[Any, str | int]]:
    """The (container, key) pairs a key path names inside `node` (below a `*`, items without the key are skipped:
    `acts.*.objects` names the objects of the acts that have some)."""
    head, rest = keys[0], keys[1:]
    if head == "*" and isinstance(node, list):
        pairs = [(node, i) for i in range(len(node))]
    elif isinstance(node, dict) and head in node:
        pairs = [(node, head)]
    elif optional and isinstance(node, dict):
        return []
    else:
        raise ProfileError(f"{where}: no key {head!r}" if head != "*" else f"{where}: `*` needs a list")
    if not rest:
        return pairs
    return [p for container, k in pairs if isinstance(container[k], (dict, list))
            for p in _walk(container[k], rest, where, optional or head == "*")]


def _apply(container: Any, key: str | int, value: Any, where: str) -> None:
    if isinstance(value, dict) and set(value) <= {"add", "remove"} and value:
        if not isinstance(container[key], list):
            raise ProfileError(f"{where}: `add`/`remove` need a list")
        drop = value.get("remove") or []
        container[key] = [w for w in container[key] if w not in drop] + \
            [w for w in value.get("add") or [] if w not in container[key]]
    else:
        container[key] = value


def _target_keys() -> dict[str, dict[str, list[str]]]:
    """`target_keys.yaml`: {`names`|`not_target`: {data file: [key path, ...]}}."""
    return yaml.safe_load(TARGET_KEYS.read_text(encoding="utf-8"))


def _swap_target(data: dict, file: str, spec: dict, default: dict) -> None:
    """Replace the default profile's target words by the profile's in the keys `target_keys.yaml` lists under
    `names`; remove the profile's target words from those under `not_target`."""
    old, new = set(_words(default)), _words(spec)
    keys = _target_keys()
    for key in (keys.get("names") or {}).get(file) or []:
        for container, k in _walk(data, key.split("."), f"{TARGET_KEYS}: {file} {key}"):
            kept = [w for w in container[k] if w not in old]
            container[k] = kept + [w for w in new if w not in kept]
    for key in (keys.get("not_target") or {}).get(file) or []:
        for container, k in _walk(data, key.split("."), f"{TARGET_KEYS}: {file} {key}"):
            container[k] = [w for w in container[k] if w not in set(new)]


def _target_files() -> set[str]:
    keys = _target_keys()
    return {f for section in ("names", "not_target") for f in (keys.get(section) or {})}


def _yaml_file(file: str, chain: list[dict], default: dict, origin: str) -> bytes:
    data = yaml.safe_load(data_path(file).read_text(encoding="utf-8"))
    target = {"target": _target(chain)}
    if _words(target):
        _swap_target(data, file, target, default)
    for spec in chain:
        for key, value in ((spec.get("data") or {}).get(file) or {}).items():
            for container, k in _walk(data, str(key).split("."), f"{origin}: data.{file}.{key}"):
                _apply(container, k, value, f"{origin}: data.{file}.{key}")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120).encode("utf-8")


def _csv_file(file: str, chain: list[dict], origin: str) -> bytes:
    text = data_path(file).read_text(encoding="utf-8")
    comments = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    overlays = [(spec.get("data") or {}).get(file) or {} for spec in chain]
    if any(set(o) - {"add_rows", "remove_rows"} for o in overlays):
        raise ProfileError(f"{origin}: data.{file} takes `add_rows` and `remove_rows` only")
    columns = list(rows[0]) if rows else []
    for o in overlays:  # each profile of the chain in turn, base first: its removals, then its rows
        if any(not isinstance(o.get(k) or [], list) for k in ("add_rows", "remove_rows")):
            raise ProfileError(f"{origin}: data.{file}: `add_rows` and `remove_rows` take a list")
        dropped = {str(i) for i in o.get("remove_rows") or []}
        if unknown := dropped - {r[columns[0]] for r in rows}:
            raise ProfileError(f"{origin}: data.{file}: remove_rows names no row: {', '.join(sorted(unknown))}")
        rows = [r for r in rows if r[columns[0]] not in dropped]
        for row in o.get("add_rows") or []:
            if set(row) - set(columns):
                raise ProfileError(f"{origin}: data.{file}: unknown column(s) "
                                   f"{', '.join(sorted(set(row) - set(columns)))}")
            rows.append({c: str(row.get(c, "")) for c in columns})
    ids = [r[columns[0]] for r in rows]
    if dup := sorted({i for i in ids if ids.count(i) > 1}):
        raise ProfileError(f"{origin}: data.{file}: two rows with the id {', '.join(dup)} (remove_rows the first)")
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return (comments + out.getvalue()).encode("utf-8")


def _overlaid(chain: list[dict], default: dict, origin: str) -> dict[str, bytes]:
    files = {f for spec in chain for f in spec.get("data") or {}}
    if _words({"target": _target(chain)}):
        files |= _target_files()
    for file in sorted(files):
        if not data_path(file).is_file() or file.startswith(("labels", "profiles")):
            raise ProfileError(f"{origin}: no analysis data file named {file!r}")
    return {f: _csv_file(f, chain, origin) if f.endswith(".csv") else _yaml_file(f, chain, default, origin)
            for f in sorted(files)}


def data_files(profile: str | Path | None = None) -> dict[str, str]:
    """{data file name: path of its overlaid copy} for `profile` (a name or a path; None or the default: {})."""
    if profile is None or str(profile) == DEFAULT:
        return {}
    origin = find(profile)
    contents = _overlaid(_chain(profile), read(DEFAULT), str(origin))
    base = Path(tempfile.gettempdir()) / "vnpress-profiles"
    out = {}
    for file, data in contents.items():
        target = base / hashlib.sha256(data).hexdigest()[:16] / file
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            with replacing(target) as tmp:
                tmp.write_bytes(data)
        out[file] = str(target)
    return out
