"""Is an engine a labrunner sandbox? Read from the labels of its /info answer."""

from __future__ import annotations

import pytest

from runner.engines.identity import is_sandbox_info


@pytest.mark.parametrize(("info", "expected"), [
    ({"Labels": ["io.labrunner.sandbox=true"]}, True),
    ({"Labels": ["other=1", "io.labrunner.sandbox=true"]}, True),
    ({"Labels": ["io.labrunner.sandbox=false"]}, False),
    ({"Labels": None}, False),
    ({"Labels": []}, False),
    ({}, False),
])
def test_is_sandbox_info_reads_the_labels_of_info(info, expected):
    assert is_sandbox_info(info) is expected
