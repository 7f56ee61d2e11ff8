"""Any monograph, in any language, is data only: language data, the quote label in the source's
language, the modality check, and bad input, on a project of three monographs.

The project is the repository's (the real monograph and everything the build reads) with the
two test monographs of ``tests/projects/three-languages/`` added; expectations are read from
the project's own files, never written here.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from monokg.check.quotes import quote_label_findings
from monokg.cli import main
from monokg.curate.cues import check_language
from monokg.curate.language import known_tags, load_language
from monokg.curate.sources import Paragraph
from monokg.curate.vocabulary import load_vocabulary
from monokg.model.errors import InputError
from monokg.model.namespaces import DEFAULT_BASE, MKG
from monokg.model.paths import ProjectPaths
from monokg.rdf import ntriples as nt
from monokg.surfaces.serve import (
    MonokgServer,
    ServeConfig,
    open_server,
    start_in_thread,
    stop_server,
)

from .conftest import ROOT, copy_project

EXTRA = ROOT / "tests" / "projects" / "three-languages"


def make_project(target: Path) -> Path:
    """The repository's project plus the test monographs."""
    root = copy_project(target)
    shutil.copytree(EXTRA / "data", root / "data", dirs_exist_ok=True)
    return root


def run(*args: str | Path) -> tuple[int, str]:
    """The CLI's exit code and all it printed (stdout and stderr)."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def source_languages(root: Path) -> dict[str, str]:
    """Monograph id -> its source's language tag, from the project's files."""
    out = {}
    for header in sorted((root / "data" / "monographs").glob("*/monograph.yaml")):
        mono = yaml.safe_load(header.read_text(encoding="utf-8"))
        meta = root / "data" / "sources" / f"{mono['source']}.yaml"
        out[mono["id"]] = yaml.safe_load(meta.read_text(encoding="utf-8"))["language"]
    return out


def claim_quotes(root: Path) -> dict[str, str]:
    """Claim IRI -> its quote, from the project's claim files."""
    out = {}
    for file in sorted((root / "data" / "monographs").glob("*/claims/*.yaml")):
        for claim in yaml.safe_load(file.read_text(encoding="utf-8"))["claims"]:
            out[f"{DEFAULT_BASE}claim/{file.parent.parent.name}/{claim['id']}"] = claim["quote"]
    return out


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project of three monographs, built once."""
    root = make_project(tmp_path_factory.mktemp("three") / "project")
    code, output = run("build", "--root", root)
    assert code == 0, output
    return root


def test_the_project_has_three_monographs_in_more_than_one_language(three: Path) -> None:
    languages = source_languages(three)
    assert len(languages) == 3 and len(set(languages.values())) >= 2


def test_check_passes_and_counts_every_claim(three: Path) -> None:
    code, output = run("check", "--root", three)
    assert code == 0, output
    assert f"ok: {len(claim_quotes(three))} claims" in output


def test_every_claim_has_its_quote_as_label_in_its_sources_language(three: Path) -> None:
    graph = Graph().parse(three / "build" / "monokg.nt", format="nt")
    languages = source_languages(three)
    quotes = claim_quotes(three)
    for iri, quote in quotes.items():
        language = languages[iri.split("/")[-2]]
        labels = {(str(o), o.language) for o in graph.objects(URIRef(iri), RDFS.label)
                  if isinstance(o, Literal)}
        assert (" ".join(quote.split()), language) in labels, iri
        statement = graph.value(URIRef(iri), MKG.statement)
        assert isinstance(statement, Literal) and (str(statement), "en") in labels


def test_pages_and_coverage_tag_source_text_with_its_language(three: Path,
                                                              tmp_path: Path) -> None:
    languages = source_languages(three)
    code, output = run("site", "--root", three, "--out", tmp_path / "site")
    assert code == 0, output
    for mono, language in languages.items():
        claim = next(i for i in claim_quotes(three) if i.split("/")[-2] == mono)
        page = (tmp_path / "site" / f"{claim.removeprefix(DEFAULT_BASE)}.html")
        assert f'<p class="quote" lang="{language}">' in page.read_text(encoding="utf-8")
    coverage = (three / "build" / "coverage.html").read_text(encoding="utf-8")
    for mono, language in languages.items():
        assert re.search(rf"<td>{mono}</td>.*?<td lang=\"{language}\">", coverage), mono


def test_dose_labels_are_in_the_projects_languages_and_the_sources(three: Path) -> None:
    graph = Graph().parse(three / "build" / "monokg.nt", format="nt")
    ontology = Graph().parse(three / "ontology" / "monokg.ttl", format="turtle")
    project = {o.language for s, o in ontology.subject_objects(RDFS.label)
               if isinstance(o, Literal) and str(s).startswith(str(MKG))}
    for mono, language in source_languages(three).items():
        doses = [d for d in graph.subjects(None, MKG.Dose)
                 if str(d).startswith(f"{DEFAULT_BASE}dose/{mono}/")]
        assert doses, mono
        for dose in doses:
            tags = {o.language for o in graph.objects(dose, RDFS.label)
                    if isinstance(o, Literal)}
            assert tags == project | {language}, dose


def test_a_claim_without_kind_gets_the_kind_of_its_heading(three: Path) -> None:
    graph = Graph().parse(three / "build" / "monokg.nt", format="nt")
    tags = source_languages(three)
    left_out = 0
    for file in sorted((three / "data" / "monographs").glob("*/claims/*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        mono = file.parent.parent.name
        header = yaml.safe_load((file.parent.parent / "monograph.yaml").read_text("utf-8"))
        heading = next(s["heading"] for s in header["sections"] if s["id"] == data["section"])
        for claim in data["claims"]:
            if "kind" not in claim:
                left_out += 1
                kind = load_language(tags[mono]).sections[heading.casefold()]
                iri = URIRef(f"{DEFAULT_BASE}claim/{mono}/{claim['id']}")
                assert MKG[f"{kind}Claim"] in set(graph.objects(iri, RDF.type)), iri
    assert left_out


def test_the_words_a_monograph_lists_are_joined(three: Path) -> None:
    graph = Graph().parse(three / "build" / "monokg.nt", format="nt")
    texts = " ".join(str(o) for o in graph.objects(None, MKG.text))
    for header in sorted((three / "data" / "monographs").glob("*/monograph.yaml")):
        for word in yaml.safe_load(header.read_text(encoding="utf-8")).get("words", {}).get(
                "join", []):
            assert re.search(rf"\b{word}\b", texts), word


def test_abbreviations_of_the_language_do_not_end_a_sentence() -> None:
    for tag in known_tags():
        language = load_language(tag)
        for abbreviation in language.abbreviations:
            text = f"Eins {abbreviation} Zwei drei. Vier."
            para = Paragraph("s", 1, text, list(range(len(text))), 0, len(text),
                             abbreviations=language.abbreviations)
            assert [text[a:b] for a, b in para.sentences()] == [text[:-6], "Vier."], \
                (tag, abbreviation)


def test_a_hedge_the_modality_contradicts_is_a_warning_with_its_line(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    test_monographs = set(source_languages(root)) - set(source_languages(ROOT))
    expected = []
    for mono in sorted(test_monographs):
        for file in sorted((root / "data" / "monographs" / mono / "claims").glob("*.yaml")):
            text = file.read_text(encoding="utf-8")
            if "modality: Possible" not in text:
                continue
            before = text[:text.index("modality: Possible")]
            line = before[:before.rindex("- id:")].count("\n") + 1
            file.write_text(text.replace("modality: Possible", "modality: Asserted", 1),
                            encoding="utf-8")
            expected.append(f"{mono}/claims/{file.name}:{line}: Warning:")
    assert len(expected) >= len(test_monographs)
    code, output = run("check", "--root", root)
    assert code == 0, output
    warned = [w for w in output.splitlines() if "which the modality Asserted contradicts" in w]
    for where in expected:
        assert any(where in w for w in warned), (where, output)


def test_the_test_monographs_raise_no_modality_warning(three: Path) -> None:
    code, output = run("check", "--root", three)
    test_monographs = set(source_languages(three)) - set(source_languages(ROOT))
    warned = [w for w in output.splitlines() if "mkg:modality" in w]
    assert code == 0 and not [w for w in warned if any(m in w for m in test_monographs)]


def test_a_source_language_that_is_no_bcp47_tag_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    meta = next((root / "data" / "sources").glob("creatine*.yaml"))
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace("language: en", "language: english_US"), encoding="utf-8")
    code, output = run("check", "--root", root)
    line = text[:text.index("language:")].count("\n") + 1
    assert code == 2
    assert f"{meta.name}:{line}: language 'english_US' is not a BCP 47 language tag" in output
    assert "fix:" in output


def test_a_language_without_data_warns_once_and_builds(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    for meta in (root / "data" / "sources").glob("*.yaml"):
        if meta.stem != "l-glutamine.nl":
            text = re.sub(r"^language: .*$", "language: fy", meta.read_text(encoding="utf-8"),
                          flags=re.MULTILINE)
            meta.write_text(text, encoding="utf-8")
    # Without language data no heading is known to be English or to name a claim kind: every
    # section states its English label and every claim its kind.
    for header in (root / "data" / "monographs").glob("*/monograph.yaml"):
        header.write_text(re.sub(r'heading: "([^"]*)"}', r'heading: "\1", label_en: "\1"}',
                                 header.read_text(encoding="utf-8")), encoding="utf-8")
    for file in (root / "data" / "monographs").glob("*/claims/*.yaml"):
        text = file.read_text(encoding="utf-8")
        file.write_text(re.sub(r"(- id: .*\n)(    relation: hasDosage)",
                               r"\1    kind: Dosage\n\2", text), encoding="utf-8")
    code, output = run("check", "--root", root)
    assert code == 0, output
    assert output.count("no language data for 'fy'") == 1


def test_a_word_join_that_splits_nothing_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    header = next((root / "data" / "monographs").glob("creatine*/monograph.yaml"))
    text = header.read_text(encoding="utf-8")
    header.write_text(text.replace("words: {join: [exercise]}",
                                   "words: {join: [exercise, nowhere]}"), encoding="utf-8")
    line = text[:text.index("words:")].count("\n") + 1
    code, output = run("check", "--root", root)
    assert code == 2
    assert f"monograph.yaml:{line}: words: 'nowhere' is listed under 'join'" in output


def test_a_hedge_file_with_an_unknown_modality_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "languages"
    folder.mkdir()
    (folder / "xx.yaml").write_text("name: Test\nhedges:\n  Possible: [maybe]\n"
                                    "  Certainish: [surely]\n", encoding="utf-8")
    vocabulary = load_vocabulary(ROOT / "ontology" / "monokg.ttl", ROOT / "data" / "units.tsv")
    with pytest.raises(InputError, match="'Certainish' is not a modality") as caught:
        check_language(load_language("xx", folder), vocabulary)
    assert caught.value.line == 4 and caught.value.fix and "Possible" in caught.value.fix


def test_a_quote_label_in_another_language_than_its_source_is_a_violation() -> None:
    claim, paragraph = f"<{DEFAULT_BASE}claim/m/c>", f"<{DEFAULT_BASE}paragraph/m/p-1>"
    derived = nt.iri("http://www.w3.org/ns/prov#wasDerivedFrom")
    label = nt.iri(str(RDFS.label))
    lines = [f"{claim} {derived} {paragraph} .",
             f"{paragraph} {nt.iri(str(MKG.text))} {nt.lang_string('Eins zwei drei.', 'de')} .",
             f"{claim} {label} {nt.lang_string('One two.', 'en')} ."]
    right = lines + [f"{claim} {label} {nt.lang_string('zwei drei', 'de')} ."]
    wrong = lines + [f"{claim} {label} {nt.lang_string('zwei drei', 'nl')} ."]
    assert quote_label_findings(right) == []
    findings = quote_label_findings(wrong)
    assert len(findings) == 1 and "in 'nl', its source in 'de'" in findings[0].message
    assert findings[0].fix


def test_validate_speaks_the_language_asked_for_and_falls_back_to_english(three: Path) -> None:
    data = three / "build" / "monokg.nt"
    for tag in known_tags():
        code, output = run("validate", "--root", three, "--lang", tag, data)
        expected = load_language(tag).messages["conforms"].split("{")[0]
        assert code == 0 and expected in output, (tag, output)
    code, output = run("validate", "--root", three, "--lang", "fy", data)
    english = load_language("en").messages["conforms"].split("{")[0]
    assert code == 0 and english in output and "no language data for 'fy'" in output
    code, output = run("validate", "--root", three, "--lang", "en_x", data)
    assert code == 2 and "not a BCP 47 language tag" in output


def test_validate_refuses_a_quote_label_retagged_to_another_language(three: Path,
                                                                     tmp_path: Path) -> None:
    languages = source_languages(three)
    claim, quote = next(iter(claim_quotes(three).items()))
    tag = languages[claim.split("/")[-2]]
    other = next(t for t in known_tags() if t != tag)
    label = nt.lang_string(" ".join(quote.split()), tag)
    lines = (three / "build" / "monokg.nt").read_text(encoding="utf-8").splitlines()
    retagged = [line.replace(label, nt.lang_string(" ".join(quote.split()), other))
                if line.startswith(f"<{claim}> ") else line for line in lines]
    assert retagged != lines
    data = tmp_path / "retagged.nt"
    data.write_text("\n".join(retagged) + "\n", encoding="utf-8")
    code, output = run("validate", "--root", three, data)
    assert code == 1 and f"its quote label is in '{other}', its source in '{tag}'" in output


def test_a_curators_error_is_said_in_the_language_asked_for(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    file = next((root / "data" / "monographs").glob("creatine*/claims/04-*.yaml"))
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("is 3 to 5 g", "is 3 to 6 g"), encoding="utf-8")
    line = text[:text.index("    quote:")].count("\n") + 1
    for tag in [*known_tags(), "fy"]:
        catalogue = load_language(tag).messages
        said = catalogue if "quote_not_found" in catalogue else load_language("en").messages
        code, output = run("check", "--root", root, "--lang", tag)
        assert code == 2, output
        # The words between the claim and the section heading: "quote not found in section".
        words = said["quote_not_found"].split("{")[1].split("}")[1].strip(" :")
        assert words and f"{file.name}:{line}: " in output and words in output, (tag, output)
        assert said["quote_not_found_fix"] in output


def test_a_shapes_finding_about_a_claim_names_its_file_and_line(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    test_monographs = set(source_languages(root)) - set(source_languages(ROOT))
    mono = min(test_monographs)
    file = min((root / "data" / "monographs" / mono / "claims").glob("*.yaml"))
    text = file.read_text(encoding="utf-8")
    line = text.index("modality: Asserted")
    claim_line = text[:text[:line].rindex("- id:")].count("\n") + 1
    claim_id = re.findall(r"- id: (\S+)", text[:line])[-1]
    file.write_text(text[:line] + "modality: Established" + text[line + 18:], encoding="utf-8")
    code, output = run("check", "--root", root)
    assert code == 0, output
    # The shapes warn of a claim marked proven on an author statement alone.
    assert re.search(rf"{re.escape(file.name)}:{claim_line}: Warning: claim:{mono}/{claim_id}:",
                     output), output


# -- End to end: the added monographs go through every surface, with files only ---------------
def claim_files(root: Path) -> Iterator[tuple[str, dict, dict]]:
    """(monograph id, its header, one claim) for every claim of the project."""
    for file in sorted((root / "data" / "monographs").glob("*/claims/*.yaml")):
        mono = file.parent.parent.name
        header = yaml.safe_load((file.parent.parent / "monograph.yaml").read_text("utf-8"))
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        for claim in data["claims"]:
            yield mono, header, {"section": data["section"], **claim}


def claim_kinds(root: Path) -> dict[str, str]:
    """Claim IRI -> its kind: the one it names, else the one its heading maps to."""
    tags = source_languages(root)
    out = {}
    for mono, header, claim in claim_files(root):
        heading = next(s["heading"] for s in header["sections"] if s["id"] == claim["section"])
        kind = claim.get("kind") or load_language(tags[mono]).sections[heading.casefold()]
        out[f"{DEFAULT_BASE}claim/{mono}/{claim['id']}"] = kind
    return out


def query_rows(root: Path, name: str, *params: str) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of an example query run through ``monokg query`` (SPARQL TSV)."""
    args = [a for p in params for a in ("--param", p)]
    code, output = run("query", "--root", root, "--format", "tsv",
                       "-f", root / "queries" / f"{name}.rq", *args)
    assert code == 0, (name, output)
    lines = output.splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]
    return header, rows


def monographs_of(rows: list[dict[str, str]]) -> set[str]:
    """The monograph ids the rows name."""
    return {r["?monograph"].strip("<>").rsplit("/", 1)[-1] for r in rows}


def expected_sections(root: Path) -> dict[str, Counter[str]]:
    """claims-per-section: monograph -> claims per heading, from the claim files."""
    out: dict[str, Counter[str]] = {}
    for file in sorted((root / "data" / "monographs").glob("*/monograph.yaml")):
        header = yaml.safe_load(file.read_text(encoding="utf-8"))
        out[header["id"]] = Counter({s["heading"]: 0 for s in header["sections"]})
    for mono, header, claim in claim_files(root):
        heading = next(s["heading"] for s in header["sections"] if s["id"] == claim["section"])
        out[mono][heading] += 1
    return out


def hedged(root: Path) -> set[str]:
    """hedged-claims: the claims whose modality is weaker than established, per the ontology."""
    ontology = Graph().parse(root / "ontology" / "monokg.ttl", format="turtle")
    strength = {str(s).removeprefix(str(MKG)): int(o)
                for s, o in ontology.subject_objects(MKG.strength) if isinstance(o, Literal)}
    return {f"{DEFAULT_BASE}claim/{mono}/{c['id']}" for mono, _, c in claim_files(root)
            if "modality" in c and strength[c["modality"]] < strength["Established"]}


def safety(root: Path) -> set[str]:
    """safety: the claims of the kinds the query lists in its VALUES block."""
    text = (root / "queries" / "safety.rq").read_text(encoding="utf-8")
    kinds = set(re.findall(r"mkg:(\w+)Claim", text[text.index("VALUES ?kind"):]))
    return {iri for iri, kind in claim_kinds(root).items() if kind in kinds}


def with_key(key: str, value: str | None = None) -> Callable[[Path], set[str]]:
    """The claims whose file gives ``key`` (with ``value``, if given)."""
    def claims(root: Path) -> set[str]:
        return {f"{DEFAULT_BASE}claim/{mono}/{c['id']}" for mono, _, c in claim_files(root)
                if key in c and value in (None, c[key])}
    return claims


#: Query -> the claims it must return, from the project's files.
CLAIMS_EXPECTED: dict[str, Callable[[Path], set[str]]] = {
    "hedged-claims": hedged, "safety": safety, "doses": with_key("dose"),
    "indications": with_key("relation", "indicatedFor")}


def test_the_monographs_were_added_by_files_only(three: Path) -> None:
    added = [p.relative_to(EXTRA) for p in sorted(EXTRA.rglob("*"))
             if p.is_file() and p.name != "README.md"]
    assert added and not [a for a in added if (ROOT / a).exists()]
    for path in sorted(ROOT.joinpath("data").rglob("*")):
        if path.is_file():
            assert (three / path.relative_to(ROOT)).read_bytes() == path.read_bytes(), path
    for part in ("queries", "shapes", "ontology"):
        for path in sorted(ROOT.joinpath(part).rglob("*")):
            if path.is_file():
                assert (three / path.relative_to(ROOT)).read_bytes() == path.read_bytes(), path


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "queries").glob("*.rq")))
def test_every_example_query_runs_with_standard_results(three: Path, name: str) -> None:
    header, rows = query_rows(three, name)
    expected = (ROOT / "queries" / f"{name}.expected.tsv").read_text("utf-8").splitlines()[0]
    assert header == expected.split("\t") and rows, name
    if name in CLAIMS_EXPECTED:
        claims = CLAIMS_EXPECTED[name](three)
        assert claims and claims <= {r["?claim"].strip("<>") for r in rows}, name
        assert monographs_of(rows) >= {c.split("/")[-2] for c in claims}


def test_claims_per_section_counts_every_section_of_every_monograph(three: Path) -> None:
    _, rows = query_rows(three, "claims-per-section")
    found: dict[str, Counter[str]] = {}
    for row in rows:
        heading = row["?heading"].rsplit("@", 1)[0].strip('"')
        found.setdefault(monographs_of([row]).pop(), Counter())[heading] = int(row["?claims"])
    assert found == expected_sections(three)


def test_about_term_finds_each_monographs_substance(three: Path) -> None:
    for header in sorted((three / "data" / "monographs").glob("*/monograph.yaml")):
        mono = yaml.safe_load(header.read_text(encoding="utf-8"))
        _, rows = query_rows(three, "about-term", f"term={mono['about']}")
        assert mono["id"] in monographs_of(rows), mono["id"]


def test_serve_dereferences_a_claim_of_each_monograph(three: Path) -> None:
    config = ServeConfig(timeout=5.0, max_results=1000, workers=1, memory_mb=512)
    server: MonokgServer = open_server(ProjectPaths(three), "127.0.0.1", 0, config)
    start_in_thread(server)
    try:
        languages = source_languages(three)
        for mono, language in languages.items():
            iri, quote = next((i, q) for i, q in claim_quotes(three).items()
                              if i.split("/")[-2] == mono)
            url = server.url + iri.removeprefix(server.site.base)
            for accept in ("text/html", "text/turtle"):
                request = urllib.request.Request(url, headers={"Accept": accept})
                with urllib.request.urlopen(request, timeout=30) as response:
                    assert response.status == 200
                    assert response.headers["Content-Type"].startswith(accept)
                    body = response.read()
                if accept == "text/html":
                    page = body.decode("utf-8")
                    assert iri in page and f'lang="{language}"' in page, iri
                else:
                    graph = Graph().parse(data=body, format="turtle")
                    label = Literal(" ".join(quote.split()), lang=language)
                    assert (URIRef(iri), RDFS.label, label) in graph, iri
    finally:
        stop_server(server)


def test_a_product_page_of_an_added_monograph_is_in_its_own_language(three: Path,
                                                                      tmp_path: Path) -> None:
    for file in sorted((EXTRA / "data" / "products").glob("*.yaml")):
        product = yaml.safe_load(file.read_text(encoding="utf-8"))
        code, output = run("product-page", "--root", three, "--out", tmp_path,
                           three / "data" / "products" / file.name)
        assert code == 0, output
        document = json.loads((tmp_path / f"{file.stem}.jsonld").read_text(encoding="utf-8"))
        assert document["mainEntityOfPage"]["inLanguage"] == product["language"]
        page = (tmp_path / f"{file.stem}.html").read_text(encoding="utf-8")
        assert f'lang="{product["language"]}"' in page
        quotes = [" ".join(q.split()) for i, q in claim_quotes(three).items()
                  if i.split("/")[-2] == product["monograph"]]
        assert any(q in json.dumps(document, ensure_ascii=False) for q in quotes), file.name
