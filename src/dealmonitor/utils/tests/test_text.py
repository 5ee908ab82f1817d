from dealmonitor.utils.text import fold, stem_set, stems, words


def test_plural_and_singular_share_a_stem():
    assert stems("knelpunten") == stems("knelpunt")
    assert stems("gemeenten") == stems("gemeente")


def test_stop_words_do_not_count():
    assert stems("de regels van het Rijk") == stems("regels Rijk")


def test_accents_and_case_are_folded():
    assert fold("Coöperatie") == "cooperatie"
    assert stem_set("Coöperatie") == stem_set("cooperatie")


def test_hyphenated_words_are_split_and_numbers_ignored():
    assert words("wet- en regelgeving 2024 circulair-bouwen") == ["wet", "en", "regelgeving", "circulair", "bouwen"]
