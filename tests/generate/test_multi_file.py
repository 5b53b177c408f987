"""Documents split over several files (DigitalOcean's 2,900, lichess's 500): bundled into one
document before any tool sees it (scripts/lib/bundle.py), and every reference that is not a file
in the document's own directory tree refused in one line, nothing read.

Small fixtures are written into tmp_path: a root `openapi.yaml` and files beside it.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.lib import bundle as bundle_module
from scripts.lib.bundle import BundleError, bundle
from scripts.lib.generate import validate_spec
from tests.generate.fragments import ok_response, plan_of_spec, spec_with
from tests.generate.scratch import describe, generate_document


def write(root: Path, files: dict[str, Any]) -> Path:
    """Each file of `files` (relative path: data) as YAML under `root`; the path of `openapi.yaml`."""
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return root / "openapi.yaml"


# A document in the shape of DigitalOcean's: the root names path items in resources/, which name
# schemas in models/ and a folder beside it (`../shared/`), a parameter and a response elsewhere.
SPLIT = {
    "openapi.yaml": spec_with(
        {
            "/v2/droplets": {"$ref": "resources/droplets/droplets.yml"},
            "/v2/droplets/{droplet_id}": {"$ref": "resources/droplets/droplet.yml"},
        },
        schemas={"Error": {"$ref": "models/common.yml#/components/schemas/Error"}},
    ),
    "resources/droplets/droplets.yml": {
        "get": {
            "operationId": "droplets_list",
            "tags": ["Droplets"],
            "responses": {
                "200": {
                    "description": "The droplets.",
                    "content": {
                        "application/json": {"schema": {"type": "array", "items": {"$ref": "../../models/droplet.yml"}}}
                    },
                },
                "default": {"$ref": "../../shared/responses.yml#/unexpected_error"},
            },
        }
    },
    "resources/droplets/droplet.yml": {
        "parameters": [{"$ref": "../../shared/parameters.yml#/droplet_id"}],
        "get": {
            "operationId": "droplets_get",
            "tags": ["Droplets"],
            "responses": ok_response({"$ref": "../../models/droplet.yml"}),
        },
    },
    "models/droplet.yml": {
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": "integer"},
            "urn": {"$ref": "../shared/attributes/urn.yml"},
            "region": {"$ref": "region.yml"},
            # Twice the same file: one schema.
            "next_region": {"$ref": "./region.yml"},
            "tags": {"$ref": "tags.yml#/definitions/tag_list"},
        },
    },
    "models/region.yml": {
        "type": "object",
        "properties": {"slug": {"type": "string"}, "parent": {"$ref": "region_tree.yml"}},
    },
    # A recursive schema across two files.
    "models/region_tree.yml": {
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$ref": "region.yml"}}},
    },
    "models/tags.yml": {"definitions": {"tag_list": {"type": "array", "items": {"type": "string"}}}},
    "models/common.yml": {
        "components": {
            "schemas": {
                "Error": {"type": "object", "properties": {"message": {"type": "string"}, "id": {"$ref": "#/x/Id"}}}
            }
        },
        "x": {"Id": {"type": "string"}},
    },
    "shared/attributes/urn.yml": {"type": "string", "pattern": "^do:"},
    "shared/parameters.yml": {
        "droplet_id": {"name": "droplet_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    },
    "shared/responses.yml": {
        "unexpected_error": {
            "description": "Unexpected error.",
            "content": {"application/json": {"schema": {"$ref": "../models/common.yml#/components/schemas/Error"}}},
        }
    },
}


def test_schemas_across_files_go_into_components_under_names_of_their_files(tmp_path: Path) -> None:
    document = bundle(write(tmp_path, SPLIT)).document
    schemas = document["components"]["schemas"]
    assert sorted(schemas) == ["Error", "common_Id", "droplet", "region", "region_tree", "tag_list", "urn"]
    droplet = schemas["droplet"]["properties"]
    # `../shared/` from models/: a folder beside it, resolved against the file holding the $ref.
    assert droplet["urn"] == {"$ref": "#/components/schemas/urn"}
    assert schemas["urn"] == {"type": "string", "pattern": "^do:"}
    # A pointer into another file: the pointer's last segment names it.
    assert droplet["tags"] == {"$ref": "#/components/schemas/tag_list"}
    # The same file by two spellings is one schema.
    assert droplet["region"] == droplet["next_region"] == {"$ref": "#/components/schemas/region"}
    # Recursion across two files: each refers to the other by name.
    assert schemas["region"]["properties"]["parent"] == {"$ref": "#/components/schemas/region_tree"}
    assert schemas["region_tree"]["properties"]["children"]["items"] == {"$ref": "#/components/schemas/region"}
    # An entry of components/schemas that only refers to a schema elsewhere is that schema, and
    # `#/...` inside another file is that file's own root (a pointer outside a map of schemas is
    # named by the file and the pointer's last segment).
    assert schemas["Error"]["properties"]["id"] == {"$ref": "#/components/schemas/common_Id"}
    assert schemas["common_Id"] == {"type": "string"}
    assert "$ref" not in json.dumps(document).replace('"$ref": "#/components/schemas/', "")


def test_path_items_parameters_and_responses_in_other_files_are_inlined(tmp_path: Path) -> None:
    document = bundle(write(tmp_path, SPLIT)).document
    droplet_item = document["paths"]["/v2/droplets/{droplet_id}"]
    assert droplet_item["parameters"] == [
        {"name": "droplet_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    ]
    responses = document["paths"]["/v2/droplets"]["get"]["responses"]
    assert responses["default"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert responses["200"]["content"]["application/json"]["schema"]["items"] == {
        "$ref": "#/components/schemas/droplet"
    }
    plan = plan_of_spec(document)
    assert sorted(op.operation_id for op in plan.operations) == ["droplets_get", "droplets_list"]
    assert plan.skipped == ()


def test_a_split_document_generates_whole(tmp_path: Path) -> None:
    spec_path = write(tmp_path / "spec", SPLIT)
    result = generate_document(spec_path, tmp_path / "out", "--lint", "off", "--unsupported", "skip")
    assert result.returncode == 0, describe(result)
    assert f"{spec_path} refers to 10 other files: bundled into one document" in result.stdout
    models = (tmp_path / "out" / "ravan-models" / "ravan_models" / "models.py").read_text(encoding="utf-8")
    for class_name in ("class Droplet(", "class Region(", "class RegionTree(", "class Error("):
        assert class_name in models
    provenance = json.loads((tmp_path / "out" / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["spec_path"] == str(spec_path)


def test_colliding_file_names_are_told_apart_by_their_folders(tmp_path: Path) -> None:
    files = {
        "openapi.yaml": spec_with(
            {
                "/a": {"get": {"operationId": "a", "responses": ok_response({"$ref": "apps/droplet.yml"})}},
                "/b": {"get": {"operationId": "b", "responses": ok_response({"$ref": "models/droplet.yml"})}},
                "/c": {"get": {"operationId": "c", "responses": ok_response({"$ref": "models/Thing.yml"})}},
                "/d": {"get": {"operationId": "d", "responses": ok_response({"$ref": "#/components/schemas/Thing"})}},
            },
            schemas={"Thing": {"type": "object"}},
        ),
        "apps/droplet.yml": {"type": "object", "properties": {"app": {"type": "string"}}},
        "models/droplet.yml": {"type": "object", "properties": {"size": {"type": "string"}}},
        "models/Thing.yml": {"type": "object", "properties": {"other": {"type": "string"}}},
    }
    document = bundle(write(tmp_path, files)).document
    schemas = document["components"]["schemas"]
    assert sorted(schemas) == ["Thing", "apps_droplet", "models_Thing", "models_droplet"]
    # The root's own references stay as written.
    d_schema = document["paths"]["/d"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert d_schema == {"$ref": "#/components/schemas/Thing"}
    assert schemas["apps_droplet"]["properties"] == {"app": {"type": "string"}}
    assert schemas["Thing"] == {"type": "object"}  # the root's own schema keeps its name


def test_a_discriminator_mapping_to_other_files_names_the_bundled_schemas(tmp_path: Path) -> None:
    # DigitalOcean's and lichess's unions: a mapping value is a reference's string, not an object
    # (openapi-python-client refused the whole document when it was one).
    pet = {
        "oneOf": [{"$ref": "cat.yml"}, {"$ref": "dog.yml"}],
        "discriminator": {"propertyName": "kind", "mapping": {"cat": "cat.yml", "dog": "./dog.yml"}},
    }
    kind = {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}}
    files = {
        "openapi.yaml": spec_with(
            {"/pets": {"get": {"operationId": "pets", "responses": ok_response({"$ref": "models/pet.yml"})}}}
        ),
        "models/pet.yml": pet,
        "models/cat.yml": kind,
        "models/dog.yml": kind,
    }
    document = bundle(write(tmp_path, files)).document
    assert document["components"]["schemas"]["pet"]["discriminator"]["mapping"] == {
        "cat": "#/components/schemas/cat",
        "dog": "#/components/schemas/dog",
    }
    assert plan_of_spec(document).skipped == ()


def test_bundling_twice_gives_the_same_document_and_a_changed_file_changes_the_provenance(tmp_path: Path) -> None:
    spec_path = write(tmp_path, SPLIT)
    first, second = bundle(spec_path), bundle(spec_path)
    assert json.dumps(first.document) == json.dumps(second.document)
    assert first.source_bytes == second.source_bytes
    assert first.files[0] == "openapi.yaml"
    assert len(first.files) == 11
    (tmp_path / "shared" / "attributes" / "urn.yml").write_text("type: string\n", encoding="utf-8")
    assert bundle(spec_path).source_bytes != first.source_bytes


def test_spectral_reads_the_bundled_document_and_its_findings_name_the_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec_path = write(tmp_path, SPLIT)
    validate_spec(spec_path, lint="report")
    output = capsys.readouterr().out
    assert f"{spec_path} (bundled)" in output
    assert "ravan-bundled-" not in output
    # A finding on an operation of a path item in another file: Spectral saw it inlined.
    assert "paths./v2/droplets.get" in output


def test_the_files_read_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle_module, "MAX_FILES", 3)
    with pytest.raises(BundleError, match=r"; more than 3 files are referenced; not read further"):
        bundle(write(tmp_path, SPLIT))
    monkeypatch.setattr(bundle_module, "MAX_FILES", 100)
    monkeypatch.setattr(bundle_module, "MAX_BYTES", 500)
    with pytest.raises(BundleError, match=r"the files referenced are more than 500 bytes; not read further"):
        bundle(write(tmp_path, SPLIT))


def test_a_single_file_document_is_returned_as_read(tmp_path: Path) -> None:
    spec_path = tmp_path / "openapi.json"
    spec_path.write_text(json.dumps(spec_with({"/a": {"get": {"operationId": "a"}}})), encoding="utf-8")
    bundled = bundle(spec_path)
    assert bundled.files == ("openapi.json",)
    assert bundled.source_bytes == spec_path.read_bytes()


def test_references_inside_vendor_extensions_are_not_followed(tmp_path: Path) -> None:
    root = spec_with({"/a": {"$ref": "a.yml"}})
    files = {"openapi.yaml": root, "a.yml": {"get": {"operationId": "a", "x-codeSamples": [{"$ref": "missing.yml"}]}}}
    document = bundle(write(tmp_path, files)).document
    assert document["paths"]["/a"]["get"]["x-codeSamples"] == [{"$ref": "missing.yml"}]


# --- refusals: one line, naming the file and JSON path of the $ref, nothing read outside ---------


def _root_referring_to(reference: str) -> dict[str, Any]:
    return {
        "openapi.yaml": spec_with({"/a": {"$ref": "paths/a.yml"}}),
        "paths/a.yml": {"get": {"operationId": "a", "responses": ok_response({"$ref": reference})}},
    }


def _refusal(tmp_path: Path, files: dict[str, Any]) -> str:
    spec_path = write(tmp_path / "spec", files)
    result = generate_document(spec_path, tmp_path / "out", "--lint", "off", "--unsupported", "skip")
    assert result.returncode == 1, describe(result)
    assert "Traceback" not in result.stderr, describe(result)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, describe(result)
    assert not (tmp_path / "out").exists()
    return errors[0]


WHERE = "$.get.responses.200.content.application/json.schema.$ref"


@pytest.mark.parametrize(
    ("reference", "reason"),
    [
        ("http://127.0.0.1:9/x.yml", "only references inside the document (#/...) or to files in its directory tree"),
        ("//host/x.yml", "only references inside the document (#/...) or to files in its directory tree"),
        ("file:///etc/passwd", "only references inside the document (#/...) or to files in its directory tree"),
        ("/etc/passwd", "an absolute path"),
        ("../../../etc/passwd", "it leads out of the document's directory tree"),
        ("missing.yml", "there is no such file"),
        ("../schemas.yml#/nothing/here", "it points to nothing in "),
    ],
)
def test_a_reference_that_is_not_followed_is_one_line(tmp_path: Path, reference: str, reason: str) -> None:
    files = _root_referring_to(reference)
    files["schemas.yml"] = {"something": {"type": "string"}}
    message = _refusal(tmp_path, files)
    assert message.startswith(f"error: {tmp_path / 'spec' / 'paths' / 'a.yml'}: {WHERE} is {reference!r}; {reason}")


def test_a_symlink_out_of_the_tree_is_refused_and_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text("type: string\n", encoding="utf-8")
    files = _root_referring_to("secret.yml")
    (tmp_path / "spec" / "paths").mkdir(parents=True)
    (tmp_path / "spec" / "paths" / "secret.yml").symlink_to(outside)
    message = _refusal(tmp_path, files)
    assert message.startswith(
        f"error: {tmp_path / 'spec' / 'paths' / 'a.yml'}: {WHERE} is 'secret.yml'; "
        "it leads out of the document's directory tree"
    )


def test_a_file_that_is_not_yaml_is_one_line(tmp_path: Path) -> None:
    files = _root_referring_to("broken.yml")
    files["paths/broken.yml"] = "a: [unclosed\n"
    message = _refusal(tmp_path, files)
    assert message.startswith(
        f"error: {tmp_path / 'spec' / 'paths' / 'a.yml'}: {WHERE} is 'broken.yml'; "
        f"{tmp_path / 'spec' / 'paths' / 'broken.yml'} cannot be read as YAML or JSON: "
    )


def test_a_cycle_of_inlined_references_is_refused(tmp_path: Path) -> None:
    # Path items that refer to each other: nothing to inline. Schemas may recurse (above).
    files = {
        "openapi.yaml": spec_with({"/a": {"$ref": "a.yml"}}),
        "a.yml": {"$ref": "b.yml"},
        "b.yml": {"$ref": "a.yml"},
    }
    with pytest.raises(
        BundleError, match=r"^.*b\.yml: \$\.\$ref is 'a\.yml'; it refers to itself through other references"
    ):
        bundle(write(tmp_path, files))


# --- what is not a file to read: refused in one line, never a traceback, never a blocked read ---


def _fifo(spec: Path) -> None:
    os.mkfifo(spec / "paths" / "target.yml")  # reading it would block the generator forever


def _directory(spec: Path) -> None:
    (spec / "paths" / "target.yml").mkdir()


def _socket(spec: Path) -> None:
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(spec / "paths" / "target.yml"))


def _symlink_loop(spec: Path) -> None:
    (spec / "paths" / "target.yml").symlink_to(spec / "paths" / "loop.yml")
    (spec / "paths" / "loop.yml").symlink_to(spec / "paths" / "target.yml")


@pytest.mark.parametrize(
    ("reference", "make_target", "reason"),
    [
        ("target\0.yml", None, "a path cannot hold a NUL byte"),
        ("target.yml%00", None, "a path cannot hold a NUL byte"),
        ("target.yml", _fifo, "it is not a regular file"),
        ("target.yml", _directory, "it is not a regular file"),
        ("target.yml", _socket, "it is not a regular file"),
        ("target.yml", _symlink_loop, "it cannot be resolved: a loop of symlinks"),
    ],
)
def test_a_reference_to_what_is_no_regular_file_is_refused(
    tmp_path: Path, reference: str, make_target: Callable[[Path], None] | None, reason: str
) -> None:
    spec_path = write(tmp_path / "spec", _root_referring_to(reference))
    if make_target is not None:
        make_target(tmp_path / "spec")
    with pytest.raises(BundleError) as refusal:
        bundle(spec_path)
    assert str(refusal.value).startswith(f"{tmp_path / 'spec' / 'paths' / 'a.yml'}: {WHERE} is {reference!r}; {reason}")


def test_leaving_the_tree_is_told_by_the_path_as_given_not_the_machines_own(tmp_path: Path) -> None:
    spec_path = write(tmp_path / "spec", _root_referring_to("../../outside.yml"))
    with pytest.raises(BundleError) as refusal:
        bundle(spec_path, shown="spec/openapi.yaml")
    assert "it leads out of the document's directory tree (spec): " in str(refusal.value)
    assert str(tmp_path) not in str(refusal.value)


@pytest.mark.timeout(120)  # a hang guard: each alias walked anew to name it, this chain took hours
def test_a_long_chain_of_aliases_is_named_in_one_walk(tmp_path: Path) -> None:
    links = 5_000
    files: dict[str, Any] = {f"chain/{index}.yml": {"$ref": f"{index + 1}.yml"} for index in range(links)}
    files[f"chain/{links}.yml"] = {"type": "string"}
    files["openapi.yaml"] = spec_with(
        {"/a": {"get": {"operationId": "a", "responses": ok_response({"$ref": "chain/0.yml"})}}}
    )
    document = bundle(write(tmp_path, files)).document
    # Every alias is the one schema at the chain's end, under that schema's name.
    assert document["components"]["schemas"] == {str(links): {"type": "string"}}
    assert document["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": f"#/components/schemas/{links}"
    }


# --- files made to exhaust the reader: refused as they are read, naming the file ------------------

_LAUGHS = "\n".join(
    f"  {name}: &{name} [{', '.join([f'*{previous}'] * 10)}]"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)
BILLION_LAUGHS = f"type: string\nx-laughs:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n{_LAUGHS}\n"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        # Inside a vendor extension, which the bundler copies without walking: a billion nodes that
        # the validator's JSON copy of the document would have written out (the generator hung).
        (BILLION_LAUGHS, ": its YAML aliases make it more than 20000000 nodes, or a node that holds itself"),
        ("type: object\nx-self: &self [*self]\n", ": its YAML aliases make it more than 20000000 nodes"),
        ('{"type": "object", "default": ' + "[" * 100_000 + "]" * 100_000 + "}", " cannot be read as YAML"),
        # libyaml composes in C, recursively: 100,000 levels crashed the process (SIGSEGV, no message).
        ("type: object\ndefault: " + "[" * 100_000 + "]" * 100_000 + "\n", " cannot be read as YAML"),
    ],
    ids=["billion-laughs", "alias-holding-itself", "deep-json", "deep-yaml"],
)
def test_a_file_made_to_exhaust_the_reader_is_one_line(tmp_path: Path, text: str, problem: str) -> None:
    files = _root_referring_to("hostile.yml")
    files["paths/hostile.yml"] = text
    message = _refusal(tmp_path, files)
    assert message.startswith(
        f"error: {tmp_path / 'spec' / 'paths' / 'a.yml'}: {WHERE} is 'hostile.yml'; "
        f"{tmp_path / 'spec' / 'paths' / 'hostile.yml'}{problem}"
    )
    if problem.startswith(" cannot be read"):
        assert message.endswith(": it nests more than 1000 levels deep")


# Superscript two (int() refuses it) and Arabic-Indic one (int() reads it as 1): no RFC 6901 index.
@pytest.mark.parametrize("index", ["\u00b2", "\u0661"])
def test_a_pointer_index_in_digits_other_than_ascii_points_to_nothing(tmp_path: Path, index: str) -> None:
    files = _root_referring_to(f"../enum.yml#/enum/{index}")
    files["enum.yml"] = {"enum": ["a", "b", "c"]}
    with pytest.raises(BundleError, match=f"it points to nothing in .*enum.yml \\(no '{index}'\\)$"):
        bundle(write(tmp_path, files))


def test_file_names_that_differ_only_in_case_or_separators_make_distinct_classes(tmp_path: Path) -> None:
    # `Droplet.yml` and `droplet.yml` were the schemas `Droplet` and `droplet`: one class name, and
    # openapi-python-client dropped the response of the operation using the other, with a warning.
    files = {
        "openapi.yaml": spec_with(
            {
                f"/{index}": {"get": {"operationId": f"op{index}", "responses": ok_response({"$ref": reference})}}
                for index, reference in enumerate(["Droplet.yml", "models/droplet.yml", "a b.yml", "a_b.yml"])
            },
            schemas={"A-B": {"type": "string"}},
        ),
        "Droplet.yml": {"type": "object", "properties": {"big": {"type": "string"}}},
        "models/droplet.yml": {"type": "object", "properties": {"small": {"type": "string"}}},
        "a b.yml": {"type": "integer"},
        "a_b.yml": {"type": "boolean"},
    }
    schemas = bundle(write(tmp_path, files)).document["components"]["schemas"]
    assert sorted(schemas) == ["A-B", "Droplet_2", "a_b_2", "a_b_3", "models_droplet"]


def test_two_spellings_of_one_pointer_are_one_schema(tmp_path: Path) -> None:
    # `P%65t` is `Pet` percent-encoded (a reference is a URI fragment): before, each spelling was
    # hoisted as a schema of its own (`Pet` and `Pet2`), one class per spelling for one schema.
    root = write(
        tmp_path,
        {
            "openapi.yaml": spec_with(
                {
                    "/pets": {
                        "get": {
                            "operationId": "pets_list",
                            "responses": ok_response(
                                {
                                    "type": "object",
                                    "properties": {
                                        "first": {"$ref": "models.yml#/components/schemas/Pet"},
                                        "second": {"$ref": "models.yml#/components/schemas/P%65t"},
                                        "third": {"$ref": "./models.yml#/components/schemas/P%65%74"},
                                    },
                                }
                            ),
                        }
                    }
                }
            ),
            "models.yml": {
                "components": {"schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}}}
            },
        },
    )
    document = bundle(root).document
    assert list(document["components"]["schemas"]) == ["Pet"]
    properties = document["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "properties"
    ]
    assert properties["first"] == properties["second"] == properties["third"] == {"$ref": "#/components/schemas/Pet"}
