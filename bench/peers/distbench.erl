%% The BEAM side of scripts/bench-dist: the same workloads as
%% tests/dist/dist.c's rtt and flood, between two BEAM nodes on this machine.
%%   erl -name b@127.0.0.1 ... -run distbench server
%%   erl -name a@127.0.0.1 ... -run distbench client B rtt|flood N
%% Messages have the shape lvm's have on the wire: {Tag, Binary}.
-module(distbench).
-export([server/0, client/1]).

server() ->
    register(echo, spawn(fun echo/0)),
    register(sink, spawn(fun() -> sink(0) end)),
    io:format("ready~n"),
    receive stop -> ok end.

echo() ->
    receive {From, Msg} -> From ! {self(), Msg}, echo() end.

sink(N) ->
    receive
        {11, From} -> From ! {count, N}, sink(0);
        {10, _} -> sink(N + 1)
    end.

client([NodeS, Mode, NS]) ->
    Node = list_to_atom(NodeS),
    N = list_to_integer(NS),
    connect(Node, 200),
    case Mode of
        "rtt" -> rtt(Node, N);
        "flood" -> flood(Node, N)
    end,
    init:stop().

connect(_, 0) -> io:format("FAILED: cannot connect~n"), halt(1);
connect(Node, K) ->
    case net_kernel:connect_node(Node) of
        true ->
            case rpc:call(Node, erlang, whereis, [sink]) of
                P when is_pid(P) -> ok;
                _ -> timer:sleep(50), connect(Node, K - 1)
            end;
        _ -> timer:sleep(50), connect(Node, K - 1)
    end.

rtt(Node, N) ->
    Echo = rpc:call(Node, erlang, whereis, [echo]),
    Msg = <<0:32>>,
    round_trips(Echo, Msg, 1000),
    T0 = erlang:monotonic_time(nanosecond),
    round_trips(Echo, Msg, N),
    T1 = erlang:monotonic_time(nanosecond),
    io:format("RESULT rtt_ns ~.1f~n", [(T1 - T0) / N]).

round_trips(_, _, 0) -> ok;
round_trips(Echo, Msg, K) ->
    Echo ! {self(), Msg},
    receive {Echo, _} -> round_trips(Echo, Msg, K - 1) end.

flood(Node, N) ->
    Sink = rpc:call(Node, erlang, whereis, [sink]),
    T0 = erlang:monotonic_time(nanosecond),
    send_n(Sink, 0, N),
    Sink ! {11, self()},
    receive {count, N} -> ok end,
    T1 = erlang:monotonic_time(nanosecond),
    io:format("RESULT throughput_mps ~w~n", [round(N / ((T1 - T0) / 1.0e9))]).

send_n(_, N, N) -> ok;
send_n(Sink, K, N) -> Sink ! {10, <<K:64/little>>}, send_n(Sink, K + 1, N).
