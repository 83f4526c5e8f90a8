"""POST /api/v1/provinces/{code}/targets: which communes to bring to standard in a province-year, at least cost for a
target or the most within a budget — the planning library's answer over the stored assessments."""

from __future__ import annotations

from typing import Any

import yaml

from .conftest import EXAMPLE_CSV, ROOT, YEAR, World

COSTS = ROOT / "examples" / "costs.yaml"


def _url(world: World) -> str:
    return f"/api/v1/provinces/{world.province}/targets?year={YEAR}"


def test_by_default_the_province_target_is_reached_with_the_same_communes_the_library_chooses(client: Any, auth: Any, world: World) -> None:
    import chuanxa

    answer = client.post(_url(world), json={}, headers=auth("tinh"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    library = chuanxa.plan_targets(EXAMPLE_CSV, None, target_share=0.9)  # the same table, straight through the library
    assert (body["communes"], body["assessed"], body["not_assessed"], body["target_share"]) == (15, 15, [], 0.9)
    plan = body["plan"]
    assert plan["target"] == 14 and plan["target_met"] is True and len(plan["recognised_now"]) == 9
    assert [p["commune"] for p in plan["chosen"]] == [p.commune for p in library.chosen] == ["16030", "16036", "16039", "16042", "16054"]
    assert body["ruleset"].startswith("qd1300@")


def test_the_answers_plans_read_back_into_the_librarys_records_with_the_same_words(client: Any, auth: Any, world: World) -> None:
    import chuanxa

    costs = yaml.safe_load(COSTS.read_text(encoding="utf-8"))
    body = client.post(_url(world), json={"share": 1.0, "costs": costs}, headers=auth("tinh")).json()
    back = chuanxa.TargetPlan.model_validate(body["plan"])
    library = chuanxa.plan_targets(EXAMPLE_CSV, None, target_share=1.0, costs=COSTS)
    assert back.chosen == library.chosen and back.not_chosen == library.not_chosen and back.infeasible == library.infeasible and back.chosen
    assert [chuanxa.step_text(s, p) for p in back.chosen for s in p.steps] == [chuanxa.step_text(s, p) for p in library.chosen for s in p.steps]
    assert back.model_dump(mode="json") == body["plan"]  # written again, it is the answer the API gave


def test_within_a_budget_the_cheapest_communes_are_chosen_until_it_runs_out(client: Any, auth: Any, world: World) -> None:
    costs = yaml.safe_load(COSTS.read_text(encoding="utf-8"))
    answer = client.post(_url(world), json={"budget": 30, "costs": costs}, headers=auth("admin")).json()
    plan = answer["plan"]
    assert [(p["commune"], p["total_cost"]) for p in plan["chosen"]] == [("16042", 0.0), ("16039", 4.5), ("16030", 12.0)]
    assert (plan["total_cost"], plan["reached"], plan["has_target"]) == (16.5, 12, False)
    assert [p["commune"] for p in plan["not_chosen"]] == ["16036", "16048", "16054"]


def test_the_province_target_set_in_the_store_is_the_default_goal(client: Any, auth: Any, world: World) -> None:
    headers = auth("tinh")
    assert client.put(f"/api/v1/provinces/{world.province}/target", json={"share": 0.7, "year": 2030}, headers=headers).status_code == 200
    plan = client.post(_url(world), json={}, headers=headers).json()["plan"]
    assert plan["target"] == 11 and len(plan["chosen"]) == 2  # ceil(0.7 × 15) = 11, 9 recognised now
    explicit = client.post(_url(world), json={"target": 10}, headers=headers).json()
    assert explicit["target_share"] is None and len(explicit["plan"]["chosen"]) == 1


def test_a_commune_without_an_assessment_counts_in_the_target_but_cannot_be_planned(client: Any, auth: Any, world: World) -> None:
    from chuanxa.store import units

    with world.session() as session:
        name = units.commune(session, world.commune).province.name
        units.load_units(session, [units.UnitRecord(code="16999", name="Xã Chưa Đánh Giá", province_code=world.province, province_name=name)])
    body = client.post(_url(world), json={"share": 0.9}, headers=auth("admin")).json()
    assert (body["communes"], body["assessed"], body["not_assessed"]) == (16, 15, ["16999"])
    assert body["plan"]["target"] == 15 and body["plan"]["target_met"] is True  # ceil(0.9 × 16): 9 + 6 plans


def test_bad_goals_and_costs_get_problem_details_and_other_provinces_are_not_found(client: Any, auth: Any, world: World) -> None:
    both = client.post(_url(world), json={"share": 0.9, "target": 3}, headers=auth("admin"))
    assert both.status_code == 422 and both.headers["content-type"] == "application/problem+json"
    typo = client.post(_url(world), json={"target": 12, "costs": {"indicators": {"9999": {"cost": 1}}}}, headers=auth("admin"))
    assert typo.status_code == 422 and typo.json()["code"] == "costs.unknown_id"
    assert client.post(_url(world), json={}, headers=auth("ngoai")).status_code == 404
    assert client.post(f"/api/v1/provinces/nowhere/targets?year={YEAR}", json={}, headers=auth("admin")).status_code == 404


def test_a_commune_officer_plans_over_what_they_may_read_only(client: Any, auth: Any, world: World) -> None:
    body = client.post(_url(world), json={"share": 0.9}, headers=auth("xa2")).json()
    assert body["communes"] == 15 and body["assessed"] == 1  # every other assessment is a draft of another commune
    assert body["not_assessed"] and world.other not in body["not_assessed"]


def test_the_web_targets_page_plans_as_the_api_does_with_the_province_target_by_default(world: World, auth: Any) -> None:
    import re

    from fastapi.testclient import TestClient

    from chuanxa.server import create_app

    def chosen(page: str) -> list[str]:
        table = page.split('id="tg-result"', 1)[1].split("</tbody>", 1)[0]
        return re.findall(r'href="/communes/(\d+)\?year=', table)

    with TestClient(create_app(engine=world.engine, migrate=False)) as web:
        headers = {"Authorization": "Bearer " + web.post("/api/v1/auth/token", data={"username": "tinh", "password": "mat-khau-dai"}).json()["access_token"]}
        for share, body in (("", {}), ("100", {"share": 1.0})):
            page = web.post("/targets", data={"province": world.province, "share": share, "budget": "", "year": ""}, files={"costs": ("", b"")},
                            headers=headers)
            api = web.post(_url(world), json=body, headers=headers).json()["plan"]
            assert page.status_code == 200, page.text[:500]
            assert chosen(page.text) == [p["commune"] for p in api["chosen"]] and chosen(page.text), share
            assert f"{'Cần đạt'}: {api['target']}" in page.text
