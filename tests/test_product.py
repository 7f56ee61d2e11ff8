"""Product pages: projection, claims policy, escaping, validation and bad product files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pyld import jsonld
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from monokg.assemble.product import _context_for, _iris_of, to_snippet
from monokg.cli import main
from monokg.curate.products import CONTEXT_URL, bcp47_ok, gtin_ok, load_context, lookup
from monokg.model.namespaces import SCHEMA_PAGE as S
from monokg.model.paths import ProjectPaths
from monokg.rdf.graphs import ntriples_lines
from monokg.rdf.jsonld import from_jsonld, offline_loader

EXAMPLE = Path("data/products/l-glutamine-500g.yaml")
HOSTILE = '</script><script>alert(1);window.pwned=1</script><!-- & "quoted"'

#: Claims added to a project copy: an indication, and a handling claim whose English statement
#: tries to break out of the script element.
EXTRA_CLAIMS = {
    "98-indicaties-test.yaml": {"section": "indicaties", "claims": [{
        "id": "test-indication-chronic-infections", "kind": "Indication",
        "relation": "indicatedFor", "object": "MESH:D000088562", "modality": "Asserted",
        "quote": "chronische infecties",
        "statement": "L-glutamine is indicated in chronic infections."}]},
    "99-dosering-test.yaml": {"section": "dosering", "claims": [{
        "id": "test-hostile-handling", "kind": "Handling", "relation": "incompatibleWith",
        "object": "MESH:D006358", "modality": "Asserted",
        "quote": "Glutamine is hittegevoelig; meng daarom geen glutamine met hete dranken.",
        "statement": "Do not mix with hot drinks " + HOSTILE}]},
}


def _product_file(folder: Path, slug: str, **changes: object) -> Path:
    """The example product file with some fields changed (None removes a field)."""
    data = yaml.safe_load(EXAMPLE_TEXT)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path = folder / f"{slug}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


EXAMPLE_TEXT = (Path(__file__).resolve().parents[1] / EXAMPLE).read_text(encoding="utf-8")


_VARIANTS: dict[Path, Path] = {}


@pytest.fixture(scope="session")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with an indication and a hostile handling claim added, an English product
    file, and the three-languages test project's monographs and product (a page of the English
    monograph); built once per session (the browser tests share it)."""
    from monokg.pipeline import build

    from .conftest import ROOT, copy_project

    if tmp_path_factory.getbasetemp() in _VARIANTS:
        return _VARIANTS[tmp_path_factory.getbasetemp()]
    root = copy_project(tmp_path_factory.mktemp("variant") / "project")
    shutil.copytree(ROOT / "tests" / "projects" / "three-languages" / "data", root / "data",
                    dirs_exist_ok=True)
    claims_dir = root / "data" / "monographs" / yaml.safe_load(EXAMPLE_TEXT)["monograph"] / "claims"
    for name, data in EXTRA_CLAIMS.items():
        (claims_dir / name).write_text(yaml.safe_dump(data, allow_unicode=True,
                                                      sort_keys=False), encoding="utf-8")
    _product_file(root / "data" / "products", "hostile-en", language="en-GB",
                  name="L-Glutamine powder <b>500 g</b> & more",
                  url="https://shop.example/p/hostile-en")
    _product_file(root / "data" / "products", "page-de", language="de",
                  url="https://shop.example/p/page-de")
    _WARNINGS[root] = [str(w) for w in build(ProjectPaths(root)).warnings]
    _VARIANTS[tmp_path_factory.getbasetemp()] = root
    return root


#: The warnings each variant's build gave.
_WARNINGS: dict[Path, list[str]] = {}


def test_the_build_warns_of_what_a_page_leaves_out(variant: Path) -> None:
    """A product file in a language the graph lacks (de) builds (exit 0) and says what its page
    leaves out; the pages in the graph's languages leave out nothing."""
    left = [w for w in _WARNINGS[variant] if "left out of the" in w
            and "only part of a sentence" not in w]
    assert left and all("page-de.yaml" in w and "left out of the de page" in w for w in left)
    assert any("safetyConsideration" in w for w in left)
    assert (variant / "build" / "product" / "page-de.jsonld").is_file()


def _page(root: Path, product: Path, flag: bool = False):
    from monokg.surfaces.products import make_product_page
    return make_product_page(ProjectPaths(root), product, flag)


def _claim_kinds(document: dict) -> set[str]:
    works = document.get("subjectOf", [])
    works = works if isinstance(works, list) else [works]
    return {str(w.get("additionalType", {}).get("@id", "")).rsplit("/", 1)[-1]
            for w in works if w.get("@type") == "Claim"}


# ------------------------------------------------------------------------- the example product


def test_build_writes_the_example_page_and_it_validates(built: Path) -> None:
    jsonld = built / "build" / "product" / "l-glutamine-500g.jsonld"
    page = built / "build" / "product" / "l-glutamine-500g.html"
    assert jsonld.is_file() and page.is_file()
    result = CliRunner().invoke(main, ["validate", "--root", str(built), "--product", str(jsonld)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_the_page_says_what_schema_org_can_say(built: Path) -> None:
    document = json.loads((built / "build" / "product" / "l-glutamine-500g.jsonld").read_text(
        encoding="utf-8"))
    assert document["@context"] == "https://schema.org"
    assert document["@type"] == ["Product", "DietarySupplement"]
    assert document["gtin"] == "8712345678906"
    assert document["offers"]["price"] == "24.95"
    assert document["offers"]["priceCurrency"] == "EUR"
    assert document["offers"]["availability"] == {"@id": "http://schema.org/InStock"}
    assert document["mainEntityOfPage"]["inLanguage"] == "nl"
    assert document["activeIngredient"] == "L-glutamine"
    codes = {(c["codingSystem"], c["codeValue"]) for c in document["code"]}
    assert ("ChEBI", "CHEBI:18050") in codes
    assert any(system == "MeSH" for system, _ in codes)
    intake = document["recommendedIntake"]
    intake = intake if isinstance(intake, list) else [intake]
    # 5-10 g cannot be a schema.org Number: it stays exact, as text
    common = [i for i in intake if i["@id"].endswith("#dose-dose-commonly-used")]
    assert len(common) == 1
    assert common[0]["doseValue"]["@type"] == "QualitativeValue"
    assert common[0]["doseValue"]["name"] == "5-10"
    assert common[0]["doseUnit"] == "g" and common[0]["frequency"] == "per dag"
    assert "Indication" not in " ".join(_claim_kinds(document))
    claim_ids = {w["@id"] for w in document["subjectOf"] if w.get("@type") == "Claim"}
    assert all(i.startswith("https://w3id.org/monokg/claim/") for i in claim_ids)


def test_the_jsonld_expands_to_the_graph_product_page_means(built: Path) -> None:
    page = _page(built, built / EXAMPLE)
    context = load_context(ProjectPaths(built).schemaorg)
    published = json.loads((built / "build" / "product" / "l-glutamine-500g.jsonld").read_text(
        encoding="utf-8"))
    assert isomorphic(from_jsonld(published, context), page.graph)
    assert not any(isinstance(n, BNode) for triple in page.graph for n in triple)


def test_the_cut_context_frames_the_page_as_the_whole_context_does(built: Path) -> None:
    # The page is framed with the schema.org context cut to the terms that can name its IRIs
    # (pyld scans every term per IRI); the whole context must give the same document.
    page = _page(built, built / EXAMPLE)
    context = load_context(ProjectPaths(built).schemaorg)
    nquads = "\n".join(ntriples_lines(page.graph)) + "\n"
    expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads",
                                        "useNativeTypes": True})
    cut = _context_for(context, _iris_of(expanded))
    assert len(cut["@context"]) < len(context["@context"]) / 10

    def framed(with_context: dict) -> dict:
        return jsonld.frame(expanded, {"@context": CONTEXT_URL, "@type": "Product"},
                            {"documentLoader": offline_loader(with_context),
                             "omitGraph": True, "embed": "@once"})

    assert framed(cut) == framed(context)


def test_cli_prints_the_same_jsonld_twice_byte_for_byte(built: Path) -> None:
    runner = CliRunner()
    args = ["product-page", str(built / EXAMPLE), "--root", str(built)]
    first, second = runner.invoke(main, args), runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    assert json.loads(first.stdout) == json.loads(
        (built / "build" / "product" / "l-glutamine-500g.jsonld").read_text(encoding="utf-8"))


def test_cli_writes_jsonld_snippet_and_page(built: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["product-page", str(built / EXAMPLE), "--root",
                                       str(built), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["l-glutamine-500g.html", "l-glutamine-500g.jsonld",
                     "l-glutamine-500g.snippet.html"]


def _visible(page_html: str) -> str:
    """The text a reader of the page sees: the body without tags, entities decoded."""
    from html import unescape
    body = page_html.split("<body>", 1)[1]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_the_page_shows_what_the_markup_says(built: Path) -> None:
    """Every value of the markup a customer should see is on the page, localised: the price as
    Dutch writes it, the availability in Dutch, whole sentences of the monograph."""
    page = _page(built, built / EXAMPLE)
    seen = _visible(page.page)
    document = page.document
    intake = document["recommendedIntake"]
    safety = document.get("safetyConsideration", [])
    shown = [document["name"], "€ 24,95", "Op voorraad", "5-10 g per dag",
             "31 december 2027", "Nederland",
             *(i["description"] for i in (intake if isinstance(intake, list) else [intake])),
             *(safety if isinstance(safety, list) else [safety])]
    for visible in shown:
        assert visible in seen, visible
    for raw in ("InStock", "EUR", "24.95", "NewCondition", "FreeReturn", "ReturnByMail"):
        assert raw not in seen, raw
    assert 'href="https://w3id.org/monokg/monograph/' in page.page
    assert page.notes == []


def test_texts_are_whole_sentences_shown_once(built: Path) -> None:
    """A Dutch page shows the source's sentences, never a quote's fragment; the sentence of
    several claims appears once, and Bronnen links once per sentence."""
    page = _page(built, built / EXAMPLE)
    document = page.document
    safety = document["safetyConsideration"]
    intake = document["recommendedIntake"]
    texts = safety + [i["description"] for i in intake]
    assert texts and all(t[0].isupper() and t.rstrip(")").endswith((".", "!", "?"))
                         for t in texts)
    assert all("\n" not in t and "  " not in t for t in texts)
    # the fragments, now inside whole sentences
    for fragment in ("het natriumzout van glutaminezuur",
                     "meng daarom geen glutamine met hete dranken",
                     "dat als smaakversterker in veel kant-en-klare soepen"):
        assert fragment not in texts
        assert any(fragment in t for t in texts), fragment
    # ... or, where the curator corrected the claim, not on the page at all (the policy's
    # omit_with_curator_note): never as a fragment.
    ammonia = "resulteerde niet in afwijkende ammoniakspiegels"
    assert ammonia not in texts and not any(ammonia in t for t in texts)
    claims = [w for w in document["subjectOf"] if w.get("@type") == "Claim"]
    assert len({c["text"] for c in claims}) < len(claims)  # several claims share a sentence
    links = re.findall(r'<a class="claim" href="([^"]+)">([^<]+)</a>', page.page)
    assert len(links) == len({c["text"] for c in claims})
    assert len({text for _, text in links}) == len(links)


# ------------------------------------------------------------------------- the claims policy


def test_no_dose_claim_still_gives_valid_jsonld(built: Path) -> None:
    """The built graph with every dose claim taken out (in memory: the coverage check of a
    build would rightly refuse a monograph whose dose sentences have no claim)."""
    from monokg.assemble.product import to_product_page
    from monokg.check.product import check_product_page
    from monokg.curate.products import load_product, load_product_kit
    from monokg.model.config import load_publication
    from monokg.surfaces.products import load_published, source_sentences

    paths = ProjectPaths(built)
    publication = load_publication(paths.config)
    kit = load_product_kit(paths, publication)
    graph, ontology = load_published(paths, publication)
    mkg = kit.mkg
    doses = {c for c in graph.subjects(RDF.type, URIRef(mkg + "DosageClaim"))}
    doses |= set(graph.subjects(URIRef(mkg + "dose"), None))
    assert doses, "the fixture should have dose claims to take out"
    for claim in doses:
        graph.remove((claim, None, None))
    product = load_product(built / EXAMPLE, kit)
    page = to_product_page(graph, ontology, product, kit.policy, publication, kit.context,
                           source_sentences(paths, product.monograph))
    assert "recommendedIntake" not in page.document and "maximumIntake" not in page.document
    assert "Dosage" not in " ".join(_claim_kinds(page.document))
    assert page.document["offers"]["price"] == "24.95"
    assert [f for f in check_product_page(page, kit) if f.severity == "Violation"] == []


def test_indications_stay_off_the_page_by_default(variant: Path) -> None:
    page = _page(variant, variant / EXAMPLE)
    assert "IndicationClaim" not in _claim_kinds(page.document)
    assert "chronische infecties" not in page.page
    assert page.document["description"] == page.product.description  # no disclaimer


def test_the_flag_includes_indications_and_says_so(variant: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["product-page", str(variant / EXAMPLE), "--root",
                                       str(variant), "--include-indications", "--out",
                                       str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "informational" in result.stderr
    document = json.loads((tmp_path / "l-glutamine-500g.jsonld").read_text(encoding="utf-8"))
    assert "IndicationClaim" in _claim_kinds(document)
    assert any(d.startswith("Informatief en niet-commercieel") for d in document["description"])
    page = (tmp_path / "l-glutamine-500g.html").read_text(encoding="utf-8").split("<body>")[1]
    assert "Informatief en niet-commercieel" in page and 'class="indications"' in page
    # the test indication quotes a bullet ("• chronische infecties"): no whole sentence, and no
    # Dutch statement, so it is left out and said
    assert "chronische infecties" not in page
    assert "only part of a sentence" in result.stderr
    check = CliRunner().invoke(main, ["validate", "--root", str(variant), "--product",
                                      str(tmp_path / "l-glutamine-500g.jsonld")])
    assert check.exit_code == 0, check.output


def test_an_indication_without_the_disclaimer_does_not_conform(variant: Path,
                                                               tmp_path: Path) -> None:
    page = _page(variant, variant / EXAMPLE, flag=True)
    document = dict(page.document)
    del document["description"]
    path = tmp_path / "shop.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--root", str(variant), "--product",
                                       str(path)])
    assert result.exit_code == 1
    assert "not marked informational" in result.stderr  # our shape
    assert "IndicationClaim (indication) may not appear" in result.stderr  # the policy data


def test_policy_is_data(variant: Path) -> None:
    """A claim kind the policy file does not list never reaches a page (fail closed)."""
    policy = ProjectPaths(variant).product_policy
    original = policy.read_text(encoding="utf-8")
    assert "HandlingClaim" in _claim_kinds(_page(variant, variant / EXAMPLE).document)
    try:
        policy.write_text(original.replace("  Handling: handling\n", ""), encoding="utf-8")
        page = _page(variant, variant / EXAMPLE)
        assert "HandlingClaim" not in _claim_kinds(page.document)
        assert "test-hostile-handling" not in page.page
    finally:
        policy.write_text(original, encoding="utf-8")


def test_a_page_without_words_in_its_language_leaves_out_what_needs_them(
        variant: Path, tmp_path: Path) -> None:
    """A page in a language with claim texts but no language file (the graph given French
    statements, in memory): the claim texts stay, the indications (which need the disclaimer)
    and dose frequencies are left out of the JSON-LD and said; the HTML page falls back to
    English words and says so."""
    from monokg.assemble.product import to_product_page
    from monokg.curate.language import language_file, load_language
    from monokg.curate.products import load_product, load_product_kit
    from monokg.model.config import load_publication
    from monokg.surfaces.products import load_published

    assert language_file("fr") is None
    paths = ProjectPaths(variant)
    publication = load_publication(paths.config)
    kit = load_product_kit(paths, publication)
    graph, ontology = load_published(paths, publication)
    statement = URIRef(kit.mkg + "statement")
    for claim, text in list(graph.subject_objects(statement)):
        graph.add((claim, statement, Literal(f"[fr] {text}", lang="fr")))
    product = load_product(_product_file(tmp_path, "words-fr", language="fr"), kit)
    page = to_product_page(graph, ontology, product, kit.policy, publication, kit.context, {},
                           include_flagged=True)
    left = dict(page.left_out)
    assert set(left) == {"subjectOf", "frequency"}
    assert all("no language file gives page words in fr" in why for why in left.values())
    assert "IndicationClaim" not in _claim_kinds(page.document)
    assert "DosageClaim" in _claim_kinds(page.document)
    assert load_language("en").product_page["disclaimer"] not in json.dumps(page.document)
    assert page.notes and "no product-page words for 'fr'" in page.notes[0]
    assert '<html lang="fr">' in page.page and "Safety" in _visible(page.page)
    assert "€24.95" in _visible(page.page) or "24,95" in _visible(page.page)


@pytest.mark.parametrize("kind, relation, qualifiers, topic, default, flagged", [
    ("Dosage", "hasDosage", set(), "dose", True, True),
    ("Dosage", "hasDosage", {"population"}, "disease", False, True),  # a dose in AIDS patients
    ("Dosage", "hasDosage", {"context"}, "disease", False, True),
    ("Description", "mostAbundantIn", {"context"}, "disease", False, True),
    ("Safety", "cautionWith", {"population"}, "safety", True, True),  # warnings stay
    ("Handling", "incompatibleWith", set(), "handling", True, True),
    ("Contraindication", "hasContraindication", set(), "safety", True, True),
    ("Indication", "indicatedFor", set(), "disease", False, True),
    ("Mechanism", "stimulates", set(), "health", False, True),
    ("Description", "reducesRiskOf", set(), "disease", False, True),
    ("Novel", "stimulates", set(), None, False, False),  # a kind the policy does not list
])
def test_the_shipped_policy(kind: str, relation: str, qualifiers: set[str], topic: str | None,
                            default: bool, flagged: bool) -> None:
    from monokg.curate.products import load_policy
    policy = load_policy(Path(__file__).resolve().parents[1] / "data/policy/product-claims.yaml")
    assert policy.topic(kind, relation, qualifiers) == topic
    assert policy.admits(topic, include_flagged=False) is default
    assert policy.admits(topic, include_flagged=True) is flagged


# ------------------------------------------------------------------------- escaping


def test_the_snippet_cannot_be_broken_out_of(variant: Path) -> None:
    page = _page(variant, variant / "data" / "products" / "hostile-en.yaml")
    assert any(HOSTILE in str(o) for o in page.graph.objects(None, S.safetyConsideration))
    inner = page.snippet.split(">", 1)[1].rsplit("</script>", 1)[0]
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert page.page.count("</script") == 1 and "<!--" not in page.page
    assert json.loads(inner) == page.document


def test_snippet_escapes_every_markup_character() -> None:
    snippet = to_snippet({"@context": "https://schema.org", "name": "a</script><!--&b"})
    inner = snippet.split(">", 1)[1].rsplit("</script>", 1)[0]
    assert "\\u003c/script\\u003e\\u003c!--\\u0026b" in inner
    assert json.loads(inner)["name"] == "a</script><!--&b"


# ------------------------------------------------------------------------- validation


def _shop_jsonld(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "shop.jsonld"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


SHOP = {"@context": "https://schema.org", "@type": "Product", "@id": "https://s.example/p#x",
        "name": "Glutamine", "offers": {"@type": "Offer", "@id": "https://s.example/p#o",
                                        "price": "9.99", "priceCurrency": "EUR"}}


def test_a_shops_own_jsonld_validates(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--product", str(_shop_jsonld(tmp_path, SHOP))])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("change, expected", [
    ({"offers": None}, "needs offers, a review or an aggregate rating"),
    ({"name": None}, "needs a name"),
    ({"offers": {"@type": "Offer", "@id": "https://s.example/p#o", "price": "9.99"}},
     "three-letter ISO 4217 code"),
    ({"offers": {"@type": "Offer", "@id": "https://s.example/p#o", "price": "9,99",
                 "priceCurrency": "EUR"}}, "exactly one price written as digits"),
    ({"offers": {"@type": "Offer", "@id": "https://s.example/p#o", "price": "9.99",
                 "priceCurrency": "EUR", "availability": "InStock"}},
     "must be one schema.org ItemAvailability IRI"),
    ({"colour": "red"}, "no property 'colour'"),
    ({"doseUnit": "g"}, ("'doseUnit' is used on Product, but schema.org allows it only on "
                         "DoseSchedule")),
    ({"@type": ["Product", "Pill"]}, "schema.org has no type 'Pill'"),
    ({"brand": {"@type": "Offer", "@id": "https://s.example/p#b"}},
     "is a Offer, but schema.org expects Brand, Organization"),
    ({"offers": {"@type": "Offer", "@id": "https://s.example/p#o", "price": "9.99",
                 "priceCurrency": "EUR", "availability": {"@id": "https://schema.org/InStok"}}},
     "schema.org has no term 'InStok'"),
])
def test_a_shops_bad_jsonld_does_not_conform(tmp_path: Path, change: dict,
                                             expected: str) -> None:
    document = {**SHOP, **change}
    document = {k: v for k, v in document.items() if v is not None}
    result = CliRunner().invoke(main, ["validate", "--product",
                                       str(_shop_jsonld(tmp_path, document))])
    assert result.exit_code == 1, result.output
    assert expected in result.stderr


def test_text_where_a_thing_is_expected_is_only_a_warning(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--product",
                                       str(_shop_jsonld(tmp_path, {**SHOP, "brand": "Acme"}))])
    assert result.exit_code == 0
    assert "warning" in result.stderr and "expects Brand, Organization" in result.stderr


@pytest.mark.parametrize("text, expected", [
    ('{"@context": "https://schema.org",\n "name": }', "shop.jsonld:2:"),
    ('{"@context": "https://example.org/ctx", "name": "x"}', "nothing else is fetched"),
])
def test_unreadable_jsonld_is_bad_input(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "shop.jsonld"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--product", str(path)])
    assert result.exit_code == 2
    assert expected in result.stderr


def test_validate_needs_files_or_a_product() -> None:
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 2
    assert "--product" in result.stderr


# ------------------------------------------------------------------------- bad product files


@pytest.mark.parametrize("gtin, ok", [("8712345678906", True), ("8712345678905", False),
                                      ("96385074", True), ("036000291452", True),
                                      ("12345", False), ("871234567890X", False)])
def test_gtin_check_digit(gtin: str, ok: bool) -> None:
    assert gtin_ok(gtin) is ok


@pytest.mark.parametrize("tag, ok", [("nl", True), ("nl-NL", True), ("en-GB", True),
                                     ("zh-Hant-TW", True), ("sl-rozaj-biske", True),
                                     ("x-private", True), ("nederlands", False),
                                     ("nl_NL", False), ("e", False), ("nl-", False),
                                     ("en-GB-", False), ("123", False), ("nl NL", False)])
def test_bcp47_syntax(tag: str, ok: bool) -> None:
    assert bcp47_ok(tag) is ok


@pytest.mark.parametrize("changes, field, fix", [
    ({"name": None}, "name", "add 'name: ...'"),
    ({"price": None}, "price", "add 'price: ...'"),
    ({"price": "€ 24,95"}, "price", "decimal point"),
    ({"currency": "EUX"}, "currency", "ISO 4217"),
    ({"gtin": "8712345678905"}, "gtin", "check digit"),
    ({"language": "nl_NL"}, "language", "nl-NL"),
    ({"language": "nederlands"}, "language", "pt-BR"),
    ({"availability": "Available"}, "availability", "InStock"),
    ({"image": "javascript:alert(1)"}, "image", "https://shop.example/img"),
    ({"image": ["https://shop.example/a.png", "data:image/png;base64,iVBORw0KGgo="]}, "image",
     "address of the picture"),
    ({"image": "ftp://shop.example/a.png"}, "image", "address of the picture"),
    ({"image": None}, "image", "merchant listing"),
    ({"price": "-1.00"}, "price", "the amount the customer pays"),
    ({"price": "24.955"}, "price", "round it to 2 decimal(s)"),
    ({"price_valid_until": "2020-01-31"}, "price_valid_until", "after the release date"),
    ({"price_valid_until": "soon"}, "price_valid_until", "YYYY-MM-DD"),
    ({"item_condition": "Mint"}, "item_condition", "NewCondition"),
    ({"returns": {"country": "XX", "days": 30, "method": "ReturnByMail", "fees": "FreeReturn"}},
     "returns.country", "two capital letters"),
    ({"returns": {"country": "NLD", "days": 30, "method": "ReturnByMail",
                  "fees": "FreeReturn"}}, "returns.country", "e.g. NL"),
    ({"returns": {"country": "NL", "days": 30, "method": "ByPigeon", "fees": "FreeReturn"}},
     "returns.method", "ReturnByMail"),
    ({"shipping": {"country": "NL", "rate": "4.955", "handling_days": [0, 1],
                   "transit_days": [1, 2]}}, "shipping.rate", "round it"),
    ({"shipping": {"country": "NL", "rate": "4.95", "handling_days": [2, 1],
                   "transit_days": [1, 2]}}, "shipping.handling_days", "[min, max]"),
])
def test_bad_product_files_are_refused(built: Path, tmp_path: Path, changes: dict,
                                       field: str, fix: str) -> None:
    path = _product_file(tmp_path, "bad", **changes)
    result = CliRunner().invoke(main, ["product-page", str(path), "--root", str(built)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    match = re.search(rf"{re.escape(str(path))}:(\d+): field '{field}'", result.stderr)
    assert match, result.stderr
    line = int(match.group(1))
    text_lines = path.read_text(encoding="utf-8").splitlines()
    top = field.split(".")[0]
    if top in changes and changes[top] is not None and not isinstance(changes[top], list):
        # the line of the field itself, nested ones included (country: under returns:)
        assert text_lines[line - 1].lstrip().startswith(f"{field.rsplit('.', 1)[-1]}:")
    assert "fix:" in result.stderr and fix in result.stderr


@pytest.mark.parametrize("available, tag, found", [
    (["nl", "en"], "nl-BE", "nl"), (["nl", "en"], "de", None), (["EN"], "en-GB-x-shop", "EN"),
    (["zh-Hant"], "zh-hant-TW", "zh-Hant"), (["en"], "en-a-bbb-x-a", "en"),
    (["en-GB"], "en", None)])
def test_a_page_language_finds_texts_by_rfc_4647_lookup(available: list[str], tag: str,
                                                        found: str | None) -> None:
    assert lookup(available, tag) == found


def _text_languages(built: Path) -> set[str]:
    """The languages the built graph has claim texts (statements, labels) in."""
    import pyoxigraph as ox
    store = ox.Store()
    store.bulk_load(path=str(built / "build" / "monokg.nt"), format=ox.RdfFormat.N_TRIPLES)
    found = store.query("PREFIX mkg: <https://w3id.org/monokg/ontology/> "
                        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                        "SELECT DISTINCT (LANG(?t) AS ?l) WHERE { ?c mkg:statement ?s . "
                        "{ ?c mkg:statement ?t } UNION { ?c rdfs:label ?t } }")
    assert isinstance(found, ox.QuerySolutions)
    return {str(s["l"].value) for s in found}


def test_a_page_in_a_language_the_graph_lacks_says_what_it_leaves_out(built: Path,
                                                                      tmp_path: Path) -> None:
    """Every claim text is left out, and so said on stderr and in the JSON-LD; the page keeps
    its required schema.org fields, so it conforms (exit 0) and validates."""
    assert "de" not in _text_languages(built)
    path = _product_file(tmp_path, "page-de", language="de",
                         url="https://shop.example/de/p/page-de")
    result = CliRunner().invoke(main, ["product-page", str(path), "--root", str(built),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    noted = set(re.findall(r"note: left out of the de page: (\w+): .*no text in de",
                           result.stderr))
    assert {"subjectOf", "safetyConsideration", "recommendedIntake"} <= noted
    document = json.loads((tmp_path / "out" / "page-de.jsonld").read_text(encoding="utf-8"))
    mkg = "https://w3id.org/monokg/ontology/"
    left = document["mainEntityOfPage"][mkg + "leftOut"]
    assert {entry[mkg + "leftOutProperty"]["@id"].removeprefix(str(S)) for entry in left} \
        == noted
    assert all("no text in de" in entry[mkg + "reason"] for entry in left)
    assert _claim_kinds(document) == set()
    assert "safetyConsideration" not in document and "recommendedIntake" not in document
    assert document["name"] and document["offers"]["price"]
    assert document["mainEntityOfPage"]["inLanguage"] == "de"
    checked = CliRunner().invoke(main, ["validate", "--root", str(built), "--product",
                                        str(tmp_path / "out" / "page-de.jsonld")])
    assert checked.exit_code == 0, checked.output
    page = (tmp_path / "out" / "page-de.html").read_text(encoding="utf-8")
    assert 'class="left-out"' in page and '<html lang="de">' in page


def test_a_regional_tag_uses_the_texts_of_its_language(built: Path, tmp_path: Path) -> None:
    """A page in nl-BE or en-GB shows the texts the graph has in nl or en, and leaves out
    nothing the plain tag's page shows (a source-language page leaves out only the claims whose
    source text is no whole sentence)."""
    for lang in sorted(_text_languages(built)):
        plain = _page(built, _product_file(tmp_path, f"plain-{lang}", language=lang))
        regional = _page(built, _product_file(tmp_path, f"regional-{lang}",
                                              language=f"{lang}-x-shop"))
        assert regional.left_out == plain.left_out
        assert all("only part of a sentence" in why for _, why in plain.left_out)
        assert _claim_kinds(regional.document) == _claim_kinds(plain.document) != set()
        claims = [w for w in regional.document["subjectOf"] if w.get("@type") == "Claim"]
        assert {c["inLanguage"] for c in claims} == {lang}


def test_a_product_file_of_another_monograph_is_refused(built: Path, tmp_path: Path) -> None:
    path = _product_file(tmp_path, "other", monograph="creatine-nl")
    result = CliRunner().invoke(main, ["product-page", str(path), "--root", str(built)])
    assert result.exit_code == 2
    assert "no monograph 'creatine-nl'" in result.stderr


def test_product_page_needs_a_build(project: Path) -> None:
    result = CliRunner().invoke(main, ["product-page", str(project / EXAMPLE), "--root",
                                       str(project)])
    assert result.exit_code == 2
    assert "run `monokg build` first" in result.stderr


def test_projection_uses_no_schema_https_iris(built: Path) -> None:
    page = _page(built, built / EXAMPLE)
    iris = {str(t) for triple in page.graph for t in triple if isinstance(t, URIRef)}
    assert not any(i.startswith("https://schema.org/") for i in iris)
    assert (URIRef("https://shop.example/p/l-glutamine-500g#product"), RDF.type,
            S.DietarySupplement) in page.graph
    assert all(isinstance(o, Literal) for o in page.graph.objects(None, S.safetyConsideration))


def test_gtin_and_price_come_from_the_product_file_only(built: Path, tmp_path: Path) -> None:
    path = _product_file(tmp_path, "other-shop", gtin="96385074", price="9.5",
                         url="https://other.example/x")
    document = _page(built, path).document
    assert document["gtin"] == "96385074" and document["offers"]["price"] == "9.5"
    assert document["@id"] == "https://other.example/x#product"


def test_check_lists_what_google_recommends_and_the_page_lacks(built: Path) -> None:
    """`product-page --check`: the example gives everything a product file can give, so only
    ratings and reviews are missing; it conforms (exit 0) and prints no JSON-LD."""
    result = CliRunner().invoke(main, ["product-page", str(built / EXAMPLE), "--root",
                                       str(built), "--check"])
    assert result.exit_code == 0, result.output
    warned = re.findall(r"warning: (\S+): Google's (.+) recommend", result.stderr)
    assert {path for path, _ in warned} == {"aggregateRating", "review"}
    assert all("merchant listing" in features for _, features in warned)
    assert result.stdout.startswith("conforms:") and "@context" not in result.stdout


def test_validate_lists_googles_missing_properties(tmp_path: Path) -> None:
    """A shop's JSON-LD without an image still gets a product snippet (exit 0), but is told it
    is not eligible for a merchant listing, and which recommended properties it lacks."""
    result = CliRunner().invoke(main, ["validate", "--product", str(_shop_jsonld(tmp_path, SHOP))])
    assert result.exit_code == 0, result.output
    assert re.search(r"not eligible for Google's rich result: Google's merchant listing "
                     r"\(https://developers\.google\.com/\S+\) requires image", result.stderr)
    for recommended in ("sku", "brand", "availability", "shippingDetails",
                        "hasMerchantReturnPolicy", "priceValidUntil"):
        assert re.search(rf"recommends? {recommended}\b", result.stderr), recommended
    without_price = {**SHOP, "offers": {"@type": "Offer", "@id": "https://s.example/p#o",
                                        "priceCurrency": "EUR"}}
    result = CliRunner().invoke(main, ["validate", "--product",
                                       str(_shop_jsonld(tmp_path, without_price))])
    assert result.exit_code == 1
    assert "Google's product snippet" in result.stderr and "requires price" in result.stderr
