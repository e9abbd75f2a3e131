"""The `[licences]` and `[privacy]` settings the licence SQL reads (warehouse/sql/*/…licence…, docs/licences.md):
`_licence_params` (one row, one typed column per setting, read as `(select grace_days from _licence_params)`) and
`_licence_prices` (the monthly price per SKU part number). Written by every transform beside `_model_params`; the
models that read them are tables, built whole every transform, so a changed setting shows at the next transform."""

from __future__ import annotations

import duckdb

from warehouse.config import LicencesConfig, PrivacyConfig


def licence_params(licences: LicencesConfig, privacy: PrivacyConfig) -> dict[str, tuple[str, object]]:
    """Name -> (DuckDB type, value) of every setting the licence models read."""
    return {"grace_days": ("integer", licences.grace_days), "inactive_days": ("integer", licences.inactive_days),
            "low_use_days": ("integer", licences.low_use_days),
            "heavy_active_days": ("integer", licences.heavy_active_days),
            "heavy_apps": ("integer", licences.heavy_apps), "min_group_rate": ("double", licences.min_group_rate),
            "currency": ("varchar", licences.currency), "default_price": ("double", licences.default_price),
            "licence_views": ("boolean", privacy.licence_views)}


def write_licence_params(con: duckdb.DuckDBPyConnection, licences: LicencesConfig | None = None,
                         privacy: PrivacyConfig | None = None) -> None:
    """Store the settings (defaults where not given) in `_licence_params` and `_licence_prices`."""
    lic, priv = licences or LicencesConfig(), privacy or PrivacyConfig()
    p = licence_params(lic, priv)
    con.execute("create or replace table _licence_params as select "
                + ", ".join(f"?::{t} as {name}" for name, (t, _) in p.items()), [v for _, v in p.values()])
    con.execute("create or replace table _licence_prices (sku_part_number varchar primary key, monthly_price double)")
    if lic.prices:
        con.executemany("insert into _licence_prices values (?, ?)", list(lic.prices.items()))
