from __future__ import annotations


def test_permissions_follow_the_visibility_table(world):
    production = world.production
    assert world.mara.has_perm("productions.view_production", production)
    assert not world.oscar.has_perm("productions.view_production", production)
    assert {
        h for h, u in world.users.items() if u.has_perm("productions.view_roster", production)
    } == {
        "ines",
        "dario",
        "petra",
    }
    assert {h for h, u in world.users.items() if u.has_perm("productions.invite", production)} == {
        "petra"
    }
    assert world.oscar.has_perm("productions.invite", world.other_production)
