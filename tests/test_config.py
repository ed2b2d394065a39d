"""Config validation: every error names the file and the key path."""
from __future__ import annotations

from pathlib import Path

import pytest

from collectors.registry import load_config, parse_config
from core.config import ConfigError

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = """
clinic_name = "Salus"
[brand]
names = ["Salus"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_config_loads_with_defaults(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert config.clinic_name == "Salus"
    assert config.brand.names == ["Salus"]
    assert config.http.allow_private_addresses is False
    assert config.sources == []


@pytest.mark.parametrize("path", ["config.example.toml", "data/demo/demo.toml"])
def test_shipped_configs_are_valid(path):
    config = load_config(ROOT / path)
    assert config.sources, "shipped configs point at sources"
    assert config.channels


def test_example_config_targets_real_sources():
    config = load_config(ROOT / "config.example.toml")
    urls = [str(getattr(s, "url", "") or getattr(s, "base_url", "")) for s in config.sources]
    assert any(u.startswith("https://news.google.com/rss/search") for u in urls)
    assert any(s.kind == "reddit" for s in config.sources)
    assert any(s.kind in ("discourse", "forum") for s in config.sources)


def test_wrong_type_names_the_key(tmp_path):
    path = write(tmp_path, MINIMAL + "retention_days = 'forever'\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message
    assert "retention_days:" in message


def test_missing_required_field_names_the_key(tmp_path):
    path = write(tmp_path, '[brand]\nnames = ["Salus"]\n')
    with pytest.raises(ConfigError, match=r"clinic_name: required key is missing"):
        load_config(path)


def test_unknown_key_is_an_error(tmp_path):
    path = write(tmp_path, MINIMAL + "colour = 'blue'\n")
    with pytest.raises(ConfigError, match=r"colour: unknown key"):
        load_config(path)


def test_unknown_nested_key_is_an_error(tmp_path):
    path = write(tmp_path, MINIMAL.replace('names = ["Salus"]', 'names = ["Salus"]\nnicknames = ["S"]'))
    with pytest.raises(ConfigError, match=r"brand\.nicknames: unknown key"):
        load_config(path)


def test_bad_source_url_names_its_index(tmp_path):
    text = MINIMAL + """
[[sources]]
name = "a"
kind = "feed"
url = "https://example.org/feed.xml"

[[sources]]
name = "b"
kind = "feed"
url = "https://example.org/other.xml"

[[sources]]
name = "c"
kind = "feed"
url = "not a url"
"""
    with pytest.raises(ConfigError, match=r"sources\[2\]\.url: not a valid URL"):
        load_config(write(tmp_path, text))


def test_unknown_source_kind(tmp_path):
    text = MINIMAL + '[[sources]]\nname = "x"\nkind = "myspace"\n'
    with pytest.raises(ConfigError, match=r"sources\[0\]"):
        load_config(write(tmp_path, text))


def test_duplicate_source_names(tmp_path):
    source = '[[sources]]\nname = "x"\nkind = "feed"\nurl = "https://e.org/f"\n'
    with pytest.raises(ConfigError, match="two sources are named 'x'"):
        load_config(write(tmp_path, MINIMAL + source + source))


def test_bad_timezone_and_toml_syntax(tmp_path):
    with pytest.raises(ConfigError, match=r"office_hours\.timezone: .*unknown time zone"):
        load_config(write(tmp_path, MINIMAL + '[office_hours]\ntimezone = "Mars/Olympus"\n'))
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "clinic_name = \n"))


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


def test_secrets_are_not_config_keys():
    with pytest.raises(ConfigError, match=r"reddit_client_secret: unknown key"):
        parse_config({"clinic_name": "x", "brand": {"names": ["x"]}, "reddit_client_secret": "s3cret"})


@pytest.mark.parametrize("field", ["names", "aliases", "doctors", "locations", "exclusions"])
@pytest.mark.parametrize("term", ["", "-", "  ", "—/!"])
def test_a_brand_term_without_a_letter_or_digit_is_refused_with_its_key_path(tmp_path, field, term):
    terms = f'names = ["Salus", {term!r}]' if field == "names" else f'names = ["Salus"]\n{field} = ["ok", {term!r}]'
    path = write(tmp_path, MINIMAL.replace('names = ["Salus"]', terms))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert f"brand.{field}[1]: a brand term needs at least one letter or digit" in str(info.value)


def test_brand_terms_with_a_letter_or_digit_pass():
    config = parse_config({"clinic_name": "x", "brand": {"names": ["Ś", "7", "dr. A-B"], "aliases": ["x"]}})
    assert config.brand.names == ["Ś", "7", "dr. A-B"]
