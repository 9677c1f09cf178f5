"""A headless Streamlit client: one simulated student, no browser.

It speaks the protocol the Streamlit frontend speaks, over the same websocket
(``ws://HOST:PORT/_stcore/stream``, binary protobuf frames): the client sends
``BackMsg`` (``rerun_script`` with a ``ClientState``), the server answers with
``ForwardMsg`` (``new_session``, ``navigation``, ``delta`` elements,
``page_info_changed``, ``script_finished``).  Checked against Streamlit 1.67:

* On connect the server makes a session and waits: the first page load is the
  client's ``rerun_script`` with the page's URL path as ``page_name`` (e.g.
  ``"reservoir"``; ``""`` is the default page), an empty ``page_script_hash``
  and the URL's query string, as a browser's first load sends.
* Later reruns send the ``page_script_hash`` the server named in its
  ``navigation`` message, the query string the app last wrote
  (``page_info_changed``) and the ``WidgetStates`` of the widgets this client
  set; a widget left out keeps its value in the session, as Streamlit keeps it.
* A slider's value travels as ``double_array_value`` (one element), a button
  press as ``trigger_value = True`` sent once (the server resets it).
* No ``cached_message_hashes`` are sent, so the server sends every message in
  full (a browser would skip those it cached: the server's work is the same).

>>> with StreamlitClient("http://127.0.0.1:8501") as student:
...     first = student.open("reservoir")
...     moved = student.set_slider("Spectral radius", 1.2)
...     moved.seconds, moved.slider("Spectral radius")
"""

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

#: Seconds one script run may take before :class:`RunTimeout` (2 shared cores, busy server).
RUN_TIMEOUT = 120.0
#: Seconds the websocket handshake may take.
CONNECT_TIMEOUT = 30.0
#: Widget element types whose ``id`` and ``label`` this client can address.
WIDGET_TYPES = ("slider", "button", "selectbox", "number_input", "toggle", "checkbox",
                "select_slider", "multiselect", "button_group", "radio")


class RunTimeout(TimeoutError):
    """The server did not finish a script run within the allowed time."""


class ProtocolError(RuntimeError):
    """The server closed the connection or answered with something unusable."""


#: Label of the sidebar slider every simulated student moves (a warm-up moves it too).
SLIDER = "Spectral radius"

@dataclass
class Run:
    """What the server sent for one script run, and how long it took.

    Attributes
    ----------
    seconds : float
        From sending the ``rerun_script`` message to receiving ``script_finished``.
    status : str
        ``ScriptFinishedStatus`` name, e.g. ``"FINISHED_SUCCESSFULLY"``.
    elements : list of streamlit.proto.Element_pb2.Element
        Every element the run sent, in order.
    n_bytes : int
        Bytes of every frame received for this run.
    """

    seconds: float
    status: str
    elements: list = field(default_factory=list)
    n_bytes: int = 0

    def of_type(self, kind):
        """Elements of one type (``"slider"``, ``"plotly_chart"``, ``"metric"`` …), as their protos."""
        return [getattr(e, kind) for e in self.elements if e.WhichOneof("type") == kind]

    def widget(self, label, kind=None):
        """The last widget sent with this exact label (optionally of one type), else ``None``."""
        found = None
        for element in self.elements:
            element_kind = element.WhichOneof("type")
            if element_kind in WIDGET_TYPES and (kind is None or kind == element_kind):
                proto = getattr(element, element_kind)
                if proto.label == label:
                    found = proto
        return found

    def slider(self, label):
        """Value of the slider with this label as the server drew it (a float), else ``None``."""
        proto = self.widget(label, "slider")
        return None if proto is None else float(proto.value[0])

    def metrics(self):
        """``{label: value}`` of every ``st.metric`` in the run."""
        return {m.label: m.body for m in self.of_type("metric")}

    def errors(self):
        """Texts of ``st.error`` alerts and exceptions the run showed."""
        texts = [a.body for a in self.of_type("alert") if a.format == a.ERROR]
        return texts + [e.message for e in self.of_type("exception")]


class StreamlitClient:
    """One Streamlit session over a websocket, driven like a browser tab.

    Parameters
    ----------
    base_url : str
        ``http://HOST:PORT`` of ``streamlit run``.
    run_timeout : float
        Seconds any script run may take (default :data:`RUN_TIMEOUT`).
    """

    def __init__(self, base_url, run_timeout=RUN_TIMEOUT):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"base_url must look like http://127.0.0.1:8501, got {base_url!r}")
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.stream_url = f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.run_timeout = float(run_timeout)
        self._socket = None
        self._page_name = ""
        self._page_script_hash = ""
        self._query_string = ""
        self._widget_states = {}          # widget id -> WidgetState, resent with every rerun
        self.last_run = None

    # ------------------------------------------------------------------ connection

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Close the websocket (the server keeps the session for its reconnect TTL)."""
        if self._socket is not None:
            try:
                self._socket.close(timeout=2)
            except (OSError, websocket.WebSocketException):
                pass
            self._socket = None

    def _connect(self):
        self.close()
        self._socket = websocket.create_connection(
            self.stream_url, timeout=CONNECT_TIMEOUT, subprotocols=["streamlit"],
            enable_multithread=False)

    # ------------------------------------------------------------------ runs

    def open(self, page="", query=""):
        """Load a page as a browser's first visit does; return its :class:`Run`.

        Parameters
        ----------
        page : str
            The page's URL path (``"reservoir"``, ``"dynamics"``, ``"mnist"``);
            ``""`` opens the default page.
        query : str
            Query string without ``?``, e.g. ``"spectral_radius=1.2"``.
        """
        self._connect()
        self._page_name, self._page_script_hash = page.strip("/"), ""
        self._query_string, self._widget_states = query.lstrip("?"), {}
        return self._rerun()

    def set_slider(self, label, value):
        """Move the slider labelled ``label`` to ``value`` and wait for the rerun."""
        proto = self._find(label, "slider")
        state = WidgetState(id=proto.id)
        state.double_array_value.data.append(float(value))
        self._widget_states[proto.id] = state
        return self._rerun()

    def click(self, label):
        """Press the button labelled ``label`` and wait for the rerun."""
        proto = self._find(label, "button")
        return self._rerun(extra=[WidgetState(id=proto.id, trigger_value=True)])

    def _find(self, label, kind):
        proto = None if self.last_run is None else self.last_run.widget(label, kind)
        if proto is None:
            raise ProtocolError(f"the page has no {kind} labelled {label!r} (open a page first)")
        return proto

    def _rerun(self, extra=()):
        """Send one ``rerun_script`` and read frames until its ``script_finished``."""
        if self._socket is None:
            raise ProtocolError("not connected: call open() first")
        message = BackMsg()
        client_state = message.rerun_script
        client_state.query_string = self._query_string
        client_state.page_name = self._page_name
        client_state.page_script_hash = self._page_script_hash
        client_state.widget_states.widgets.extend([*self._widget_states.values(), *extra])
        start = time.perf_counter()
        self._socket.send_binary(message.SerializeToString())
        run = self._read_until_finished(start)
        self.last_run = run
        return run

    def _read_until_finished(self, start):
        deadline = start + self.run_timeout
        elements, n_bytes = [], 0
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise RunTimeout(f"no script_finished within {self.run_timeout:g} s")
            self._socket.settimeout(left)
            try:
                opcode, data = self._socket.recv_data()
            except websocket.WebSocketTimeoutException as err:
                raise RunTimeout(f"no script_finished within {self.run_timeout:g} s") from err
            except (OSError, websocket.WebSocketException) as err:
                raise ProtocolError(f"the connection failed: {err}") from err
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                raise ProtocolError("the server closed the websocket")
            if opcode != websocket.ABNF.OPCODE_BINARY:
                continue
            n_bytes += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                elements.append(msg.delta.new_element)
            elif kind == "navigation" and msg.navigation.page_script_hash:
                self._page_script_hash = msg.navigation.page_script_hash
            elif kind == "new_session":               # a run starts: its elements follow
                elements = []
            elif kind == "page_info_changed":
                self._query_string = msg.page_info_changed.query_string
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":    # the app asked for another run
                    continue
                return Run(time.perf_counter() - start, status, elements, n_bytes)
