"""WCAG AA contrast of the public pages' colours, computed from the stylesheet itself."""

import re

import pytest

from .conftest import PROJECT_DIR

CSS = (PROJECT_DIR / "claims" / "static" / "claims" / "public.css").read_text()


def variable(name):
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS).group(1)


def luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground, background):
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("text", ["text", "muted", "link", "error"])
@pytest.mark.parametrize("background", ["bg", "panel"])
def test_text_colours_meet_aa_on_every_background(text, background):
    assert contrast(variable(text), variable(background)) >= 4.5


def test_focus_outline_is_visible_against_the_page():
    # Non-text contrast (WCAG 1.4.11): 3:1.
    assert contrast(variable("focus"), variable("bg")) >= 3
    assert ":focus-visible" in CSS


def test_mark_keeps_text_readable():
    mark = re.search(r"mark \{[^}]*background:\s*(#[0-9a-fA-F]{6})", CSS).group(1)
    assert contrast(variable("text"), mark) >= 4.5


def test_rating_colours_are_never_used_for_text():
    # Badges print the label in the text colour beside a colour dot, so any rating colour
    # an editor picks keeps the label readable; the dot is decoration, the label the signal.
    badge = (PROJECT_DIR / "templates" / "public" / "includes" / "rating_badge.html").read_text()
    assert "{{ rating.label_text }}" in badge and 'aria-hidden="true"' in badge
    assert "rating.colour" not in re.sub(r'fill="\{\{ rating.colour \}\}"', "", badge)
