"""querying.leaves: the flat terms that rank.py scores, with boosts multiplied down."""

from whoosh.query import And, AndMaybe, Or, Phrase, Term

from catalogue.search.querying import leaves


def test_leaves_multiply_boosts_down_and_leave_the_query_as_it_was():
    name = Term("name", "chip", boost=5.0)
    query = AndMaybe(And([Or([name, Term("translated", "芯片", boost=1.5)], boost=2.0),
                          Phrase("description", ["power", "module"], boost=0.5)]),
                     Or([Term("tags", "ic", boost=3.0)], boost=0.25))
    flat = leaves(query)
    assert [(type(q).__name__, q.fieldname, q.boost) for q in flat] == [
        ("Term", "name", 10.0), ("Term", "translated", 3.0), ("Phrase", "description", 0.5),
        ("Term", "tags", 0.75)]
    assert [q.text for q in flat if isinstance(q, Term)] == ["chip", "芯片", "ic"]
    assert all(leaf is not name for leaf in flat)
    flat[0].boost = 99.0  # a leaf is a new query: changing it leaves the original alone
    assert name.boost == 5.0
