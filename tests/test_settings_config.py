"""Settings → brand terms and channels through AppTest: validated before writing, the file's comments kept."""
from __future__ import annotations

import pytest

from tests.dashboard_fixtures import run_app

SAVE = "FormSubmitter:settings_form-Validate and save"


@pytest.mark.parametrize("term", ["-", "—/!"])  # blank lines are not terms in the text area
def test_a_symbol_only_brand_name_is_refused_with_its_key_path_and_nothing_saved(demo, term):
    before = demo["config"].read_bytes()
    app = run_app("settings")
    app.text_area(key="set_names").set_value(f"Salus Medica\n{term}")
    app.button(key=SAVE).click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.error and "brand.names[1]: a brand term needs at least one letter or digit" in app.error[0].value
    assert not app.success
    assert demo["config"].read_bytes() == before
    assert not list(demo["config"].parent.glob("*.bak"))
