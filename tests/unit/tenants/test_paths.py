"""Tree-path arithmetic: one node's path, its ancestors, its subtree, and a move."""

from uuid import UUID

from taolun.tenants import paths

ROOT, BUREAU, SCHOOL, OTHER = (UUID(int=n) for n in (1, 2, 3, 4))
ROOT_PATH = paths.child_path("", ROOT)
BUREAU_PATH = paths.child_path(ROOT_PATH, BUREAU)
SCHOOL_PATH = paths.child_path(BUREAU_PATH, SCHOOL)


def test_a_path_is_the_ids_from_the_root_each_followed_by_a_slash() -> None:
    assert SCHOOL_PATH == f"{ROOT.hex}/{BUREAU.hex}/{SCHOOL.hex}/"
    assert paths.node_ids(SCHOOL_PATH) == [ROOT.hex, BUREAU.hex, SCHOOL.hex]
    assert paths.node_ids("") == []


def test_a_node_knows_its_ancestors_parent_and_depth() -> None:
    assert paths.ancestor_ids(SCHOOL_PATH) == [ROOT.hex, BUREAU.hex]
    assert paths.parent_path(SCHOOL_PATH) == BUREAU_PATH
    assert paths.parent_path(ROOT_PATH) == ""
    assert paths.ancestor_ids(ROOT_PATH) == []
    assert [paths.depth(p) for p in (ROOT_PATH, BUREAU_PATH, SCHOOL_PATH)] == [0, 1, 2]
    assert paths.prefixes(SCHOOL_PATH) == [ROOT_PATH, BUREAU_PATH, SCHOOL_PATH]


def test_within_includes_the_node_itself_and_below_does_not() -> None:
    assert paths.is_within(SCHOOL_PATH, BUREAU_PATH) and paths.is_within(BUREAU_PATH, BUREAU_PATH)
    assert paths.is_below(SCHOOL_PATH, BUREAU_PATH) and not paths.is_below(BUREAU_PATH, BUREAU_PATH)
    assert not paths.is_within(BUREAU_PATH, SCHOOL_PATH)


def test_the_first_characters_of_a_path_below_name_the_child_it_lies_under() -> None:
    assert SCHOOL_PATH[: paths.child_path_length(ROOT_PATH)] == BUREAU_PATH


def test_a_moved_subtree_keeps_its_tail_behind_the_new_head() -> None:
    new_bureau = paths.child_path(paths.child_path(ROOT_PATH, OTHER), BUREAU)
    assert paths.relocated(SCHOOL_PATH, BUREAU_PATH, new_bureau) == new_bureau + SCHOOL.hex + "/"
    assert paths.depth_shift(BUREAU_PATH, new_bureau) == 1
