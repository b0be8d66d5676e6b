"""Reading plan and profile files from disk (the CLI's and the import pages' entry point)."""

from __future__ import annotations

from pathlib import Path

from closedset.core.errors import BadInput, excerpt
from closedset.core.plan import ScenePlan, parse_plan
from closedset.core.profile import BoundaryProfile, parse_profile
from closedset.core.taxonomy import Taxonomy, load_taxonomy
from closedset.core.yamlio import load

SUFFIXES = (".yaml", ".yml", ".json")


def read_text(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        raise BadInput("no such file", source=str(path), code="file.missing") from None
    except IsADirectoryError:
        raise BadInput(
            "is a folder, expected a file", source=str(path), code="file.folder"
        ) from None
    except UnicodeDecodeError:
        raise BadInput("is not UTF-8 text", source=str(path), code="file.not_utf8") from None
    except OSError as error:
        raise BadInput(
            f"cannot be read: {error.strerror}",
            source=str(path),
            code="file.unreadable",
            values={"reason": error.strerror},
        ) from None


def read_plan(path: Path, taxonomy: Taxonomy | None = None) -> ScenePlan:
    return parse_plan(load(read_text(path), str(path)), str(path), taxonomy)


def read_profiles(
    paths: list[Path], skip: Path | None = None, taxonomy: Taxonomy | None = None
) -> dict[str, BoundaryProfile]:
    """Profiles from files and folders, by performer id.

    Files named directly must be profiles. In a folder, files that are plans (they have beats
    and no performer) are passed over, so a scene's folder can hold its plan beside the profiles.
    """
    taxonomy = taxonomy or load_taxonomy()
    found: dict[str, BoundaryProfile] = {}
    origin: dict[str, Path] = {}
    skip_resolved = skip.resolve() if skip else None
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file())
            direct = False
        elif path.exists():
            files, direct = [path], True
        else:
            raise BadInput("no such file or folder", source=str(path), code="file.no_path")
        for file in files:
            if not direct and skip_resolved and file.resolve() == skip_resolved:
                continue
            data = load(read_text(file), str(file))
            if (
                not direct
                and isinstance(data, dict)
                and "beats" in data
                and "performer" not in data
            ):
                continue
            profile = parse_profile(data, str(file), taxonomy)
            if profile.performer in origin and origin[profile.performer] != file.resolve():
                raise BadInput(
                    f"performer '{excerpt(profile.performer)}' has a second profile here; "
                    f"the first is {origin[profile.performer]}",
                    source=str(file),
                    code="file.second_profile",
                    values={
                        "performer": excerpt(profile.performer),
                        "first": str(origin[profile.performer]),
                    },
                )
            origin[profile.performer] = file.resolve()
            found[profile.performer] = profile
    return found
