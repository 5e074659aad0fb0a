"""TEMPORARY (helper C, issue 18): stands in for ``satudata.products.tables`` (helper B) until
branch h18-b is merged; the builder imports the real module then and this file goes."""

from __future__ import annotations

from typing import Any

from satudata.catalog.models import Dataset, DatasetVersion, DataType
from satudata.datastore import query as datastore
from satudata.products.cube import Category, Cube, Dimension
from satudata.regions.models import Region

MEASURES = (DataType.INTEGER, DataType.DECIMAL)
ROLES = {DataType.REGION: "region", DataType.YEAR: "time"}


def max_cells() -> int:
    return 10_000


def dimensions_of(version: DatasetVersion) -> list[Dimension]:
    measures = [
        Category(c["name"], c.get("variable") or c["name"])
        for c in version.columns
        if c.get("data_type") in MEASURES
    ]
    found = [Dimension("ukuran", "Ukuran", "measure", measures)]
    for column in version.columns:
        if column.get("data_type") in MEASURES:
            continue
        codes = sorted(str(v) for v in datastore.distinct(version, column["name"]))
        names: dict[str, str] = {}
        if column.get("data_type") == DataType.REGION:
            names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
        found.append(
            Dimension(
                column["name"],
                column.get("variable") or column["name"],
                ROLES.get(column.get("data_type"), "code"),
                [Category(c, names.get(c, c)) for c in codes],
            )
        )
    return found


def spec_for(
    *,
    dataset: Dataset,
    measure: str,
    stub: list[str],
    heading: list[str],
    values: dict[str, Any],
) -> dict[str, Any]:
    return {
        "sources": [{"dataset": dataset.slug}],
        "measure": measure,
        "stub": stub,
        "heading": heading,
        "values": values,
    }


def build_cube(sources: list[DatasetVersion], spec: dict[str, Any]) -> Cube:
    version = sources[0]
    dimensions = {d.id: d for d in dimensions_of(version)}
    chosen: dict[str, list[str]] = {}
    for name, dimension in dimensions.items():
        if name == "ukuran":
            continue
        asked = spec["values"].get(name)
        codes = [c.code for c in dimension.categories]
        chosen[name] = asked if isinstance(asked, list) else codes
    placed = spec["stub"] + spec["heading"]
    answer = datastore.run(
        version,
        datastore.Query(
            filters=chosen,
            group_by=placed,
            aggregates=[("sum", spec["measure"])],
            limit=100_000,
            include_total=False,
        ),
    )
    cube_dimensions = []
    for name in placed:
        keep = set(chosen[name])
        d = dimensions[name]
        cube_dimensions.append(
            Dimension(d.id, d.label, d.role, [c for c in d.categories if c.code in keep])
        )
    sums = {tuple(str(v) for v in row[:-1]): row[-1] for row in answer.rows}
    import itertools

    values = [
        sums.get(tuple(c.code for c in combo))
        for combo in itertools.product(*(d.categories for d in cube_dimensions))
    ]
    return Cube(
        title=dataset_title(version),
        dimensions=cube_dimensions,
        stub=spec["stub"],
        heading=spec["heading"],
        values=values,
    )


def dataset_title(version: DatasetVersion) -> str:
    return str(version.dataset.title)
