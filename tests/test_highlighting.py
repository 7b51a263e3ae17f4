from claims.highlighting import highlight_spans


def test_spans_are_marked_and_everything_is_escaped():
    html = highlight_spans("a <b> c & d", [(2, 5, 'titre "x"', "/claim/1/")])
    assert html == (
        'a <mark class="claim-span" title="titre &quot;x&quot;">'
        '<a href="/claim/1/">&lt;b&gt;</a></mark> c &amp; d'
    )


def test_overlapping_spans_never_repeat_text():
    html = highlight_spans("abcdefgh", [(0, 4, "1", "/1/"), (2, 6, "2", "/2/")])
    assert html.count("cd") == 1
    assert '<a href="/2/">ef</a>' in html
    assert html.endswith("gh")


def test_spans_past_the_body_are_clipped():
    assert highlight_spans("abc", [(1, 99, "t", "/t/")]).endswith('<a href="/t/">bc</a></mark>')


def test_no_spans_returns_the_escaped_body():
    assert highlight_spans("<i>", []) == "&lt;i&gt;"
