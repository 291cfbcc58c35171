"""The intra-procedural data flow behind the security rules."""

from __future__ import annotations

import ast

from assay.rules._support.dataflow import Flow, ModuleFlows


def _flow_at_sink(source: str) -> Flow:
    """The flow of the first argument of the call to ``sink(...)`` in `source`."""
    tree = ast.parse(source)
    sink = next(
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "sink"
    )
    return ModuleFlows(tree, lambda _: None).flow(sink.args[0])


def test_constants_and_module_constants_carry_no_source() -> None:
    flow = _flow_at_sink(
        "TABLE = 'users'\ndef f():\n    q = f'SELECT * FROM {TABLE}'\n    sink(q)\n"
    )
    assert flow.constant


def test_parameter_through_locals_and_interpolation() -> None:
    flow = _flow_at_sink("def f(name):\n    a = name.strip()\n    b = 'x' + a\n    sink(b)\n")
    assert flow.kinds() == {"param"}
    assert flow.interpolated
    assert flow.via == ("a (line 2)", "b (line 3)")


def test_request_data_and_route_parameters_are_request_sources() -> None:
    flow = _flow_at_sink("def f():\n    sink(request.args['q'])\n")
    assert [s.description for s in flow.from_kinds(["request"])] == ["request.args['q']"]
    route = _flow_at_sink("@app.get('/x/<name>')\ndef f(name):\n    sink(name)\n")
    assert route.kinds() == {"request"}


def test_a_local_variable_named_request_is_not_web_input() -> None:
    flow = _flow_at_sink("def f(url):\n    request = Request(url)\n    sink(request.data)\n")
    assert flow.kinds() == {"param"}


def test_input_and_argv_are_input_sources() -> None:
    assert _flow_at_sink("x = input()\nsink(x)\n").kinds() == {"input"}


def test_sanitizers_clean_the_value() -> None:
    source = "def f(name):\n    safe = secure_filename(name)\n    sink(int(name) + len(safe))\n"
    assert _flow_at_sink(source).constant


def test_last_unconditional_assignment_wins_conditional_ones_merge() -> None:
    overwritten = "def f(p):\n    q = p\n    q = 'const'\n    sink(q)\n"
    assert _flow_at_sink(overwritten).constant
    branch = "def f(p, c):\n    q = 'const'\n    if c:\n        q = p\n    sink(q)\n"
    assert _flow_at_sink(branch).kinds() == {"param"}


def test_comprehension_elements_do_not_leak_the_iterable() -> None:
    source = "def f(ids):\n    marks = ','.join('?' for _ in ids)\n    sink(marks)\n"
    assert _flow_at_sink(source).constant


def test_guard_that_inspects_a_value_validates_it_presence_check_does_not() -> None:
    tree = ast.parse(
        "def f(p):\n"
        "    if not p:\n"
        "        raise ValueError\n"
        "    if '..' in p:\n"
        "        raise ValueError\n"
        "    sink(p)\n"
    )
    flows = ModuleFlows(tree, lambda _: None).of(tree.body[0].body[-1])
    assert flows.guards == {"p": [4]}
    assert flows.guarded("p", 6) and not flows.guarded("p", 4)


def test_sources_on_one_line_come_in_the_same_order_in_every_process() -> None:
    from assay.rules._support.dataflow import Source

    first = Source("param", "parameter 'mode'", 3)
    second = Source("param", "parameter 'cache_dir'", 3)
    # Tuples stand for a set iterated in either order (as hash seeds make it).
    for sources in ((first, second), (second, first)):
        flow = Flow(sources, False, ())  # type: ignore[arg-type]
        assert [s.description for s in flow.from_kinds(["param"])] == [
            "parameter 'cache_dir'",
            "parameter 'mode'",
        ]


def test_local_helper_passes_its_argument_to_the_caller() -> None:
    flow = _flow_at_sink(
        "def page(title, body):\n"
        "    return '<h1>' + title + '</h1>'\n"
        "def f():\n"
        "    sink(page(request.args['t'], 'x'))\n"
    )
    assert [s.description for s in flow.from_kinds(["request"])] == ["request.args['t']"]
    assert flow.interpolated
    assert flow.via[-1] == "page() (line 4)"


def test_local_helper_that_sanitises_or_drops_an_argument_cleans_it() -> None:
    escaped = (
        "def clean(v):\n    return html.escape(v)\ndef f():\n    sink(clean(request.args['t']))\n"
    )
    assert _flow_at_sink(escaped).constant
    dropped = "def g(a, b):\n    return b\ndef f():\n    sink(g(b='x', a=request.args['t']))\n"
    assert _flow_at_sink(dropped).constant


def test_local_helper_reading_the_request_itself_is_a_request_source() -> None:
    flow = _flow_at_sink("def name():\n    return request.form['n']\ndef f():\n    sink(name())\n")
    assert flow.kinds() == {"request"}


def test_recursive_helper_and_unknown_call_shapes_fall_back_to_every_argument() -> None:
    recursive = "def r(x):\n    return r(x)\ndef f(p):\n    sink(r(p))\n"
    assert _flow_at_sink(recursive).kinds() == {"param"}
    starred = "def g(a, b):\n    return b\ndef f(p):\n    sink(g(*p))\n"
    assert _flow_at_sink(starred).kinds() == {"param"}


def test_attribute_assigned_in_one_method_reaches_another() -> None:
    flow = _flow_at_sink(
        "class Job:\n"
        "    def __init__(self):\n"
        "        self.cmd = input()\n"
        "        self.name = 'job'\n"
        "    def run(self):\n"
        "        sink(self.cmd)\n"
    )
    assert flow.kinds() == {"input"}
    assert flow.via == ("self.cmd (line 3)",)
    constant = _flow_at_sink(
        "class Job:\n    def __init__(self):\n        self.name = 'job'\n"
        "    def run(self):\n        sink(self.name)\n"
    )
    assert constant.constant


def test_items_put_into_a_container_taint_it() -> None:
    appended = "def f(p):\n    parts = []\n    parts.append(p)\n    sink(' '.join(parts))\n"
    assert _flow_at_sink(appended).kinds() == {"param"}
    stored = "def f(p):\n    d = {}\n    d['k'] = p\n    sink(d['k'])\n"
    assert _flow_at_sink(stored).kinds() == {"param"}


def test_environment_and_socket_reads_are_sources() -> None:
    from assay.syntax import dotted_name

    tree = ast.parse(
        "import os\ndef f(conn):\n    sink(os.environ['A'] + os.getenv('B') + conn.recv(10))\n"
    )
    sink = next(
        n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "sink"
    )
    flow = ModuleFlows(tree, dotted_name).flow(sink.args[0])
    assert flow.kinds() == {"environment", "input"}


def test_route_parameters_converted_to_numbers_carry_no_request_data() -> None:
    flask = _flow_at_sink(
        "@app.get('/item/<int:item_id>/<name>')\ndef f(item_id, name):\n    sink(item_id)\n"
    )
    assert flask.constant
    fastapi = _flow_at_sink(
        "@app.get('/item/{item_id}')\ndef f(item_id: int, q: str):\n    sink(item_id + q)\n"
    )
    assert fastapi.kinds() == {"request"}
    assert [s.description for s in fastapi.sources] == ["parameter 'q'"]
