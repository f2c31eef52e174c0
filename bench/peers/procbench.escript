#!/usr/bin/env escript
%% The BEAM side of the process benchmarks: the same workloads as
%% bench/processes/procbench.c, run by scripts/bench-processes on Debian's
%% erlang-base with as many schedulers as lvm has worker threads
%% (ERL_FLAGS="+S N:N +P 4000000"). Prints `RESULT <name> <value> <unit>` lines.
%%
%%   spawn N R      spawn N processes that each send one reply and end
%%   pingpong N R   N round trips between two processes, R rounds
%%   throughput N R one sender, N messages, acknowledged at the end
%%   idle N         N processes waiting in receive; BASE / READY markers
%%   live N         N processes that each send "up" and wait in receive;
%%                  ns per process from the first spawn to the last "up"
-mode(compile).

main([Mode, NS | Rest]) ->
    N = list_to_integer(NS),
    R = case Rest of [RS | _] -> list_to_integer(RS); [] -> 5 end,
    run(list_to_atom(Mode), N, R);
main(_) ->
    io:format(standard_error, "usage: procbench.escript spawn|pingpong|throughput|idle|live N [ROUNDS]~n", []),
    halt(2).

now_ns() -> erlang:monotonic_time(nanosecond).

median(L) ->
    S = lists:sort(L),
    Len = length(S),
    case Len rem 2 of
        1 -> lists:nth(Len div 2 + 1, S);
        0 -> (lists:nth(Len div 2, S) + lists:nth(Len div 2 + 1, S)) / 2
    end.

run(spawn, N, R) ->
    Self = self(),
    Per = [begin
               T0 = now_ns(),
               spawn_loop(Self, N),
               collect(N),
               (now_ns() - T0) / N
           end || _ <- lists:seq(1, R)],
    io:format("RESULT spawn ~.1f ns~n", [median(Per)]);
run(pingpong, N, R) ->
    Pong = spawn(fun ponger/0),
    Per = [begin
               T0 = now_ns(),
               ping(Pong, N),
               (now_ns() - T0) / N
           end || _ <- lists:seq(1, R)],
    Pong ! stop,
    io:format("RESULT pingpong ~.1f ns~n", [median(Per)]);
run(throughput, N, R) ->
    Self = self(),
    Rates = [begin
                 C = spawn(fun() -> count(Self, N, 0) end),
                 T0 = now_ns(),
                 send_n(C, N),
                 receive {counted, N} -> ok end,
                 N / ((now_ns() - T0) * 1.0e-9)
             end || _ <- lists:seq(1, R)],
    io:format("RESULT throughput ~.1f msg/s~n", [median(Rates)]);
run(idle, N, _) ->
    io:format("BASE~n"),
    timer:sleep(300),
    _ = [spawn(fun() -> receive _ -> ok end end) || _ <- lists:seq(1, N)],
    io:format("READY ~b~n", [N]),
    receive never -> ok end;
run(live, N, _) ->
    io:format("BASE~n"),
    timer:sleep(300),
    Self = self(),
    T0 = now_ns(),
    Up = live_loop(Self, N, 0),
    collect_up(N - Up),
    Dt = now_ns() - T0,
    io:format("RESULT live ~.1f ns~n", [Dt / max(N, 1)]),
    io:format("READY ~b~n", [N]),
    receive never -> ok end.

%% Spawns K waiters, taking the "up"s that have come in as it goes (like the
%% lvm side's LVM_NOWAIT drain); returns how many it took.
live_loop(_, 0, Up) -> Up;
live_loop(Self, K, Up) ->
    spawn(fun() -> Self ! up, receive _ -> ok end end),
    live_loop(Self, K - 1, drain_up(Up)).

drain_up(Up) -> receive up -> drain_up(Up + 1) after 0 -> Up end.

collect_up(0) -> ok;
collect_up(K) -> receive up -> collect_up(K - 1) end.

spawn_loop(_, 0) -> ok;
spawn_loop(Self, K) ->
    spawn(fun() -> Self ! done end),
    spawn_loop(Self, K - 1).

collect(0) -> ok;
collect(K) -> receive done -> collect(K - 1) end.

ponger() ->
    receive
        {ping, From, X} -> From ! {pong, X}, ponger();
        stop -> ok
    end.

ping(_, 0) -> ok;
ping(Pong, K) ->
    Pong ! {ping, self(), K},
    receive {pong, K} -> ping(Pong, K - 1) end.

count(Parent, N, N) -> Parent ! {counted, N};
count(Parent, N, K) -> receive {msg, _} -> count(Parent, N, K + 1) end.

send_n(_, 0) -> ok;
send_n(C, K) -> C ! {msg, K}, send_n(C, K - 1).
