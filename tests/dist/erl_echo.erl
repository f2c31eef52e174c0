%% The Erlang side of `dist.wasm erl NODE` (test_dist.sh): registered as
%% erl_echo, it answers an lvm process both ways and prints what it saw.
-module(erl_echo).
-export([main/1]).

main([LvmNode]) ->
    register(erl_echo, self()),
    io:format("erl_echo up~n"),
    receive
        {7, PidBin} ->
            Pid = binary_to_term(PidBin),
            io:format("erl_echo: got the lvm pid ~p on ~p~n", [Pid, node(Pid)]),
            Pid ! {8, <<"hello from erlang">>},
            {lvm_peer, list_to_atom(LvmNode)} ! {9, <<"by name">>},
            Pid ! {hello, [1, 2, 3]},
            receive
                {12, <<"bye">>} ->
                    io:format("erl_echo: got {12, <<\"bye\">>} from lvm~n"),
                    Pid ! {13, <<>>}
            after 10000 -> io:format("erl_echo: FAILED: no bye~n")
            end
    after 30000 -> io:format("erl_echo: FAILED: nothing from lvm~n")
    end,
    timer:sleep(200),
    init:stop().
