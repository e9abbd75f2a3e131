"""Champions CSV: every line validated, bad lines reported with their line number while the rest loads."""

from __future__ import annotations

import duckdb
import pytest
from click.testing import CliRunner
from simulated_warehouse import copy_warehouse

from alerts.workflow.champions import (
    ChampionError,
    delete_champion,
    import_champions,
    list_champions,
    save_champion,
)
from connector.cli import cli
from connector.status import read_status
from warehouse.config import load_config

HEADER = "dimension,group_name,champion_name,champion_email,manager_email\n"


@pytest.fixture
def cfg(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text(f'[auth]\nmethod = "token"\n[warehouse]\npath = "{(tmp_path / "wh.duckdb").as_posix()}"\n')
    return load_config(p)


def write(tmp_path, body: str, name: str = "champions.csv", encoding: str = "utf-8"):
    p = tmp_path / name
    p.write_text(body, encoding=encoding)
    return p


def test_bad_lines_are_reported_by_number_and_the_rest_loads(cfg, tmp_path):
    p = write(tmp_path, HEADER
              + "department,Marketing,Mia Champion,MIA@Contoso.Example,boss@contoso.example\n"  # line 2
              + "department,Legal,Leo,leo-at-contoso.example,\n"  # 3: malformed e-mail
              + "team,Sales,Sam,sam@contoso.example,\n"  # 4: bad dimension
              + '"job_function","Financial Analyst","Fay ""FA"" Ng",fay@contoso.example,not-an-email\n'  # 5
              + "\n"  # 6: blank, ignored
              + 'manager,"Noor Müller (noor.muller0@contoso.example)","Nia\nNewline",nia@contoso.example,\n'  # 7-8
              + "department,Finance,,fin@contoso.example,\n"  # 9: no name
              + "department,Finance,Finn,fin@contoso.example\n"  # 10: a field short
              + "department,Sales,Sam,sam@contoso.example,\n")  # 11
    result = import_champions(cfg, p)
    assert result.saved == 3
    lines = [(n, m.split(" ")[0]) for n, m in result.errors]
    assert lines == [(3, "champion_email"), (4, "dimension"), (5, "manager_email"), (9, "champion_name"), (10, "4")]
    assert "leo-at-contoso.example" in result.errors[0][1] and "@-sign" in result.errors[0][1]
    got = {(c.dimension, c.group_name): c for c in list_champions(cfg)}
    assert set(got) == {("department", "Marketing"), ("manager", "Noor Müller (noor.muller0@contoso.example)"),
                        ("department", "Sales")}
    assert got[("department", "Marketing")].champion_email == "MIA@contoso.example"  # domain normalised
    assert got[("department", "Marketing")].manager_email == "boss@contoso.example"
    assert got[("manager", "Noor Müller (noor.muller0@contoso.example)")].champion_name == "Nia Newline"
    assert got[("department", "Marketing")].updated_at.tzinfo is not None


def test_upsert_duplicates_bom_and_replace(cfg, tmp_path):
    import_champions(cfg, write(tmp_path, HEADER + "department,Legal,Old,old@contoso.example,\n"
                                          "department,IT,Ivy,ivy@contoso.example,\n"))
    p = write(tmp_path, "\ufeff" + HEADER.upper() + "department,Legal,New,new@contoso.example,\n"
                        "department,Legal,Newer,newer@contoso.example,\n", name="second.csv")
    result = import_champions(cfg, p, replace=True)
    assert result.errors == [] and result.removed == 1
    assert result.warnings == [(0, "no model yet, so group names could not be checked; run `copilot-usage "
                                   "transform` and import again to check them"),
                               (3, "same dimension and group as line 2; this line wins")]
    assert [(c.group_name, c.champion_name) for c in list_champions(cfg)] == [("Legal", "Newer")]


def test_replace_is_ignored_when_a_line_is_bad(cfg, tmp_path):
    import_champions(cfg, write(tmp_path, HEADER + "department,IT,Ivy,ivy@contoso.example,\n"))
    result = import_champions(cfg, write(tmp_path, HEADER + "department,Legal,Leo,bad,\n", name="b.csv"), replace=True)
    assert result.removed == 0 and [c.group_name for c in list_champions(cfg)] == ["IT"]
    assert any("--replace ignored" in m for _, m in result.warnings)


def test_missing_columns_empty_file_and_encoding(cfg, tmp_path):
    with pytest.raises(ChampionError, match=r"line 1: missing column\(s\) champion_email"):
        import_champions(cfg, write(tmp_path, "dimension,group_name,champion_name\n"))
    with pytest.raises(ChampionError, match="empty"):
        import_champions(cfg, write(tmp_path, "", name="e.csv"))
    with pytest.raises(ChampionError, match="not UTF-8"):
        import_champions(cfg, write(tmp_path, HEADER + "department,Zürich,Z,z@contoso.example,\n",
                                    name="l1.csv", encoding="latin-1"))
    with pytest.raises(ChampionError, match="not found"):
        import_champions(cfg, tmp_path / "nope.csv")


def test_unknown_groups_are_refused_with_a_suggestion_and_the_rest_loads(model_warehouse, tmp_path):
    cfg = copy_warehouse(model_warehouse[0], tmp_path / "wh")
    result = import_champions(cfg, write(tmp_path, HEADER + "department,Markting,M,m@contoso.example,\n"
                                                            "job_function,Marketing,J,j@contoso.example,\n"
                                                            "department,Legal,L,l@contoso.example,\n"))
    assert result.saved == 1 and [c.group_name for c in list_champions(cfg)] == ["Legal"]
    assert result.errors == [(2, "no department group 'Markting' in the data (did you mean 'Marketing'?); not saved"),
                             (3, "no job_function group 'Marketing' in the data (did you mean 'Marketing Manager'?); "
                                 "not saved")]
    # the dashboard's form says the same and saves nothing
    with pytest.raises(ChampionError, match=r"no department group 'Markting' in the data \(did you mean 'Marketing'"):
        save_champion(cfg, "department", "Markting", "M", "m@contoso.example")
    assert len(list_champions(cfg)) == 1


def _insert_champion(cfg, dimension: str, group: str, email: str) -> None:
    """A champion saved when the group existed (Entra renamed or removed it since)."""
    con = duckdb.connect(cfg.warehouse.path)
    con.execute("insert into champions (dimension, group_name, champion_name, champion_email, updated_at) "
                "values (?, ?, 'X', ?, now())", [dimension, group, email])
    con.close()


def test_status_names_champions_whose_group_is_gone_with_its_likely_new_name(model_warehouse, tmp_path):
    cfg = copy_warehouse(model_warehouse[0], tmp_path / "wh")
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    team = con.execute("select group_name from mart_stagnation where dimension = 'manager' and group_name like '%(%)' "
                       "order by all limit 1").fetchone()[0]
    con.close()
    name, upn = team.rsplit(" (", 1)
    _insert_champion(cfg, "manager", f"Before Rename ({upn}", "mo@contoso.example")  # Entra renamed the manager
    _insert_champion(cfg, "department", "Markting", "mia@contoso.example")
    save_champion(cfg, "department", "Marketing", "Max", "max@contoso.example")
    _insert_champion(cfg, "job_function", "Basket Weaver", "bo@contoso.example")
    st = read_status(cfg.warehouse.path)
    assert st.unmatched_champions == [("department", "Markting", "mia@contoso.example", "Marketing"),
                                      ("job_function", "Basket Weaver", "bo@contoso.example", None),
                                      ("manager", f"Before Rename ({upn}", "mo@contoso.example", team)]
    out = CliRunner().invoke(cli, ["status", "--config", cfg.source])
    text = " ".join(out.output.split())
    assert out.exit_code == 0
    assert f"champion mo@contoso.example of manager 'Before Rename ({upn}': no such group" in text
    assert f"did you mean {team!r}?" in text and "max@contoso.example" not in text


def test_form_functions_for_the_dashboard(cfg):
    ch = save_champion(cfg, "department", " Legal ", "Leo", "leo@contoso.example")
    assert (ch.group_name, ch.champion_email) == ("Legal", "leo@contoso.example")
    with pytest.raises(ChampionError, match="champion_email"):
        save_champion(cfg, "department", "Legal", "Leo", "leo@")
    assert delete_champion(cfg, "department", "Legal") and not delete_champion(cfg, "department", "Legal")
    assert list_champions(cfg) == []


def test_cli_import_and_list(cfg, tmp_path):
    p = write(tmp_path, HEADER + "department,Legal,Leo [bold],leo@contoso.example,\n"
                                 "department,HR,Hana,hana@,\n")
    runner = CliRunner()
    out = runner.invoke(cli, ["champions", "import", str(p), "--config", cfg.source])
    assert out.exit_code == 1
    assert f"{p}:3" in out.output.replace("\n", "") and "1 champion(s) saved" in out.output
    listed = runner.invoke(cli, ["champions", "list", "--config", cfg.source])
    assert listed.exit_code == 0 and "Leo [bold]" in listed.output and "leo@contoso.example" in listed.output
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    assert con.execute("select count(*) from champions").fetchone() == (1,)
    con.close()


def test_a_champion_saved_after_the_transform_is_what_every_reader_shows_at_once(model_warehouse, tmp_path):
    """The mart holds no champion (the model reads no application table): alerts, the dashboard and `status`
    join the live champions table, so a champion saved after the last transform shows without another one."""
    from alerts.workflow.flagged import read_flagged
    from dashboards import queries

    cfg = copy_warehouse(model_warehouse[0], tmp_path / "wh")
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    columns = {c for (c,) in con.execute("select column_name from duckdb_columns() "
                                         "where table_name = 'mart_stagnation'").fetchall()}
    week, dim, group = con.execute(
        "select week_start, dimension, group_name from mart_stagnation where flagged and dimension <> 'tenant' "
        "and week_start = (select max(week_start) from mart_stagnation) "
        "order by impact desc, dimension, group_name limit 1").fetchone()
    con.close()
    assert columns.isdisjoint({"champion_name", "champion_email", "manager_email"}) and "group_id" in columns
    save_champion(cfg, dim, group, "Cleo Live", "cleo.live@contoso.example", "boss.live@contoso.example")

    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    flagged = {(g.dimension, g.group_name): g for g in read_flagged(con, week)}
    con.close()
    g = flagged[(dim, group)]
    assert (g.champion_name, g.champion_email, g.manager_email) == \
        ("Cleo Live", "cleo.live@contoso.example", "boss.live@contoso.example")
    st = read_status(cfg.warehouse.path, limit=10_000)
    assert [r[-1] for r in st.flagged if r[1:3] == (dim, group)] == ["Cleo Live"]
    for name, params in (("stagnation", {"week_start": week}), ("attention", {"week_start": week}),
                         ("group_status", {"week_start": week, "dimension": dim, "groups": [group]})):
        df = queries.read(cfg.warehouse.path, name, params)
        row = df[(df["dimension"] == dim) & (df["group_name"] == group)]
        assert list(row["champion_name"]) == ["Cleo Live"], name
        assert list(row["champion_email"]) == ["cleo.live@contoso.example"], name
