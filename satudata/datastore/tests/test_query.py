"""Datastore queries: typed filters, words, sorting, paging, aggregates, caps and limits, and
what bad input gets (a clear QueryError, never SQL)."""

from __future__ import annotations

from django.test import override_settings

from satudata.catalog.models import DatasetVersion
from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.datastore.query import (
    Condition,
    Query,
    QueryError,
    QueryTimeout,
    _cursor,
    batches,
    count,
    run,
)

ROWS = [
    ["Pringsewu", "Rawat Inap", 1, "1.5"],
    ["Pringsewu", "Non Rawat Inap", 2, "2.5"],
    ["Gadingrejo", "Rawat Inap", 3, "3.5"],
    ["Pagelaran", "Non Rawat Inap", 4, ""],
]


class QueryTests(PersonaTestCase):
    version: DatasetVersion

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        dataset = table_dataset(
            actor=cls.p.walidata,
            agency=cls.p.agency,
            name="Puskesmas",
            columns=[("Kecamatan", "text"), ("Jenis", "text"), ("Jumlah", "int"), ("Rasio", "dec")],
            rows=ROWS,
        )
        cls.version = dataset.versions.get()

    def test_filters_words_sort_and_paging(self) -> None:
        answer = run(
            self.version,
            Query(
                filters={"kecamatan": ["Pringsewu", "Pagelaran"]}, sort=[("jumlah", True)], limit=2
            ),
        )
        self.assertEqual(answer.total, 3)
        self.assertEqual([r["jumlah"] for r in answer.records()], [4, 2])
        self.assertEqual(answer.records()[0]["_id"], 4)
        page = run(
            self.version, Query(sort=[("jumlah", False)], limit=2, offset=2, fields=["jumlah"])
        )
        self.assertEqual(page.rows, [(3,), (4,)])
        self.assertEqual(run(self.version, Query(q="non rawat")).total, 2)
        self.assertEqual(run(self.version, Query(q={"jenis": "non"})).total, 2)
        self.assertEqual(run(self.version, Query(q="100%")).total, 0)
        self.assertEqual(run(self.version, Query(filters={"rasio": [None]})).total, 1)
        higher = run(self.version, Query(conditions=[Condition("jumlah", "gte", "3")]))
        self.assertEqual(higher.total, 2)
        self.assertEqual(count(self.version, Query(filters={"jumlah": [2]})), 1)

    def test_group_by_aggregates(self) -> None:
        answer = run(
            self.version,
            Query(
                group_by=["jenis"], aggregates=[("sum", "jumlah"), ("avg", "rasio"), ("count", "*")]
            ),
        )
        self.assertEqual(
            [f["id"] for f in answer.fields], ["jenis", "sum_jumlah", "avg_rasio", "count"]
        )
        self.assertEqual(answer.rows, [("Non Rawat Inap", 6, 2.5, 2), ("Rawat Inap", 4, 2.5, 2)])
        self.assertEqual(answer.total, 2)
        ordered = run(
            self.version,
            Query(
                group_by=["kecamatan"], aggregates=[("max", "jumlah")], sort=[("max_jumlah", True)]
            ),
        )
        self.assertEqual(ordered.rows[0], ("Pagelaran", 4))

    @override_settings(DATASTORE_MAX_ROWS=3)
    def test_the_row_cap_says_truncated(self) -> None:
        capped = run(self.version, Query(limit=10))
        self.assertEqual((len(capped.rows), capped.limit, capped.truncated), (3, 3, True))
        exact = run(self.version, Query(limit=10, offset=1))
        self.assertEqual((len(exact.rows), exact.truncated), (3, False))
        self.assertFalse(run(self.version, Query(limit=2)).truncated)

    def test_bad_input_is_a_query_error_naming_the_parameter(self) -> None:
        cases = [
            (Query(filters={"nope": ["1"]}), "filters"),
            (Query(filters={"jumlah": ["dua"]}), "filters"),
            (Query(filters={"jumlah": ["1 OR 1=1"]}), "filters"),
            (Query(filters={"kecamatan": [{"$ne": 1}]}), "filters"),
            (Query(filters={"rasio": ["nan"]}), "filters"),
            (Query(filters={"jumlah": []}), "filters"),
            (Query(filters={"jumlah": list(range(2000))}), "filters"),
            (Query(conditions=[Condition("jumlah", "like", "1")]), "filters"),
            (Query(sort=[('jumlah" DESC; DROP TABLE x; --', False)]), "sort"),
            (Query(fields=["kecamatan", "read_csv('/etc/passwd')"]), "fields"),
            (Query(q={"nope": "x"}), "q"),
            (Query(q=" ".join(["kata"] * 11)), "q"),
            (Query(limit=-1), "limit"),
            (Query(offset=-5), "offset"),
            (Query(group_by=["nope"]), "group_by"),
            (Query(aggregates=[("sum", "kecamatan")]), "aggregate"),
            (Query(aggregates=[("median", "jumlah")]), "aggregate"),
            (Query(aggregates=[("sum", "*")]), "aggregate"),
        ]
        for query, field in cases:
            with self.subTest(query=query):
                with self.assertRaises(QueryError) as caught:
                    run(self.version, query)
                self.assertEqual(caught.exception.field, field)
                self.assertTrue(caught.exception.message)

    def test_count_checks_the_whole_query_a_download_runs(self) -> None:
        # Views count before their response starts; a name first checked in the stream would
        # come after a 200 and leave the file short.
        for query, field in [
            (Query(sort=[("nope", False)]), "sort"),
            (Query(sort=[("", True)]), "sort"),
            (Query(fields=["nope"]), "fields"),
            (
                Query(fields=["kecamatan"], sort=[("jumlah", False)], filters={"nope": ["1"]}),
                "filters",
            ),
        ]:
            with self.subTest(query=query), self.assertRaises(QueryError) as caught:
                count(self.version, query)
            self.assertEqual(caught.exception.field, field)

    @override_settings(DATASTORE_EXPORT_MAX_ROWS=2)
    def test_downloads_hold_the_whole_table_and_cap_rows_picked_or_sorted(self) -> None:
        def rows(query: Query) -> list[dict[str, object]]:
            return [
                row for batch in batches(self.version, query, size=1) for row in batch.to_pylist()
            ]

        self.assertEqual([r["jumlah"] for r in rows(Query())], [1, 2, 3, 4])
        self.assertEqual([r["jumlah"] for r in rows(Query(sort=[("jumlah", True)]))], [4, 3])
        self.assertEqual(
            rows(Query(fields=["jumlah"], sort=[("jenis", False)]))[:2],
            [{"jumlah": 2}, {"jumlah": 4}],
        )
        picked = Query(filters={"jenis": ["Rawat Inap", "Non Rawat Inap"]})
        self.assertEqual([r["jumlah"] for r in rows(picked)], [1, 2])
        self.assertEqual(count(self.version, picked), 4)

    @override_settings(DATASTORE_TIME_LIMIT=0.2)
    def test_a_slow_query_is_stopped_at_the_time_limit(self) -> None:
        with self.assertRaises(QueryTimeout), _cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM range(10000000000) t(i) WHERE i % 7 = 3"
            ).fetchall()
        with _cursor() as cursor:  # the next query runs normally
            self.assertEqual(cursor.execute("SELECT 1").fetchone(), (1,))
        self.assertTrue(issubclass(QueryTimeout, QueryError))


class MemoryBoundTests(PersonaTestCase):
    """The web process's DuckDB holds at most DATASTORE_MEMORY_MB and spills past it, so a
    sorted download of a whole large table cannot take the server's memory."""

    def test_the_connection_is_opened_with_the_memory_bound_and_a_spill_folder(self) -> None:
        from satudata.datastore import query

        opened, query._database = query._database, None
        try:
            with override_settings(DATASTORE_MEMORY_MB=96):
                cursor = query._connection()
                limit, spill = cursor.execute(
                    "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
                ).fetchone() or ("", "")
                cursor.close()
        finally:
            if query._database is not None:
                query._database.close()
            query._database = opened
        self.assertEqual(limit, "91.5 MiB")  # DuckDB's MB are 10^6 bytes, shown in MiB
        self.assertTrue(str(spill).endswith("spill"), spill)
