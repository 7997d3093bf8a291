/*
 * Hermetic gate: the Executive and Servicer as a Promela model, checked with spin (Model/check.sh).
 *
 * What is modelled: one host sending orders and polls over the gate's channel, one at a time, with UIDs drawn from
 * a small set (so UIDs repeat, with the same or another noun); bad frames and unknown verbs; the Servicer's pod
 * state for a sandbox and three declared containers (0 is an init container, 1 and 2 app containers, created in
 * declared order); the agent policy as a fixed predicate (exec into container 2 is denied); an executor that may
 * fail any accepted order; a workload whose running containers may exit, successfully or not, at any moment and
 * ring the doorbell.
 *
 * Properties (each is a separate pan run in check.sh):
 *   P1  no output without a matching received UID: every reply the host gets answers an order or poll it sent and
 *       names that order's UID; doorbells carry no UID (assertions in Host).
 *   P2  no transition out of the valid state graph: every change of a container's phase or of the sandbox goes
 *       through move()/sandbox_up(), which assert the edge is in the graph
 *       none -> created -> running -> exited(ok|fail) (assertions in Gate and Workload).
 *   P3  app containers never start before the init container completed (LTL init_first).
 *   P4  every order eventually gets a status (LTL answered, under weak fairness).
 */

#define NC 3
#define NU 3   /* UID values; fresh UIDs cycle through them */
#define NS 1   /* UIDs the gate remembers, the most recent ones */

#define NONE 0
#define CREATED 1
#define RUNNING 2
#define EXITED_OK 3
#define EXITED_FAIL 4

mtype = { ORDER, POLL, REPLY, DOORBELL };
mtype = { V_SANDBOX, V_CREATE, V_START, V_EXEC, V_READY, V_UNKNOWN, V_BADFRAME, V_NONE };
mtype = { S_OK, S_POLICY, S_STATE, S_UNKNOWN_VERB, S_CONFLICT, S_EXECFAIL, S_MALFORMED, S_UNKNOWN_UID, S_RUNNING };

chan toGate = [0] of { mtype, mtype, byte, byte };   /* kind, verb, container, uid */
chan toHost = [2] of { mtype, mtype, byte };         /* kind, status (or doorbell code), uid */
chan events = [NC] of { byte, bool };                /* container, success */

bool sandbox = false;
byte phase[NC];
bool exitReported[NC];

/*
 * The gate's UID table, abstracted: the gate never forgets a UID, and its answer depends only on whether a UID is
 * in the table and what it was used for, never on its value. So the model keeps the NS most recent UIDs, the host
 * replays only those, and a fresh UID is the next of NU values in turn, which is never among the NS recent ones.
 * Sequences of orders are therefore unbounded while the table stays small.
 */
byte slotUID[NS];
mtype slotVerb[NS];
byte slotCont[NS];
mtype slotStatus[NS];
byte oldest = 0;
byte nextUID = 1;

bool waiting = false;
byte pendingUID = 0;

#define EDGE(a, b) ((a == NONE && b == CREATED) || (a == CREATED && b == RUNNING) || \
                    (a == RUNNING && (b == EXITED_OK || b == EXITED_FAIL)))

inline move(c, to) {
    assert(EDGE(phase[c], to));
    phase[c] = to
}

inline sandbox_up() {
    assert(!sandbox);
    sandbox = true
}

/* The Servicer's checks, as in Sources/Gate/Servicer/Servicer.swift. */
#define CREATED_BEFORE(c) ((c < 1 || phase[0] != NONE) && (c < 2 || phase[1] != NONE))
#define INITS_DONE(c) (c == 0 || phase[0] == EXITED_OK)
#define VALID_CREATE(c) (sandbox && phase[c] == NONE && CREATED_BEFORE(c) && INITS_DONE(c))
#define VALID_START(c) (phase[c] == CREATED && INITS_DONE(c))
#define VALID_EXEC(c) (phase[c] == RUNNING)
#define VALID_READY (sandbox && phase[0] == EXITED_OK && phase[1] == RUNNING && phase[2] == RUNNING)
#define POLICY_ALLOWS(v, c) (!(v == V_EXEC && c == 2))

active proctype Gate() {
    mtype kind, verb, st;
    byte c, u, e;
    bool ok, valid;
    byte i;
end_gate:
    do
    :: toGate ? kind, verb, c, u ->
        atomic {
        /* i: the slot holding u, or NS if u is not in the table. */
        if
        :: slotUID[0] == u -> i = 0
        :: else -> i = NS
        fi;
        if
        :: kind == POLL ->
            if
            :: i < NS && slotStatus[i] == S_OK && slotVerb[i] == V_START && phase[slotCont[i]] == RUNNING -> st = S_RUNNING
            :: i < NS && !(slotStatus[i] == S_OK && slotVerb[i] == V_START && phase[slotCont[i]] == RUNNING) -> st = slotStatus[i]
            :: i == NS -> st = S_UNKNOWN_UID
            fi
        :: kind == ORDER && verb == V_BADFRAME -> st = S_MALFORMED
        :: kind == ORDER && verb == V_UNKNOWN -> st = S_UNKNOWN_VERB
        :: kind == ORDER && verb != V_BADFRAME && verb != V_UNKNOWN && i < NS ->
            if
            :: slotVerb[i] == verb && slotCont[i] == c -> st = slotStatus[i]
            :: !(slotVerb[i] == verb && slotCont[i] == c) -> st = S_CONFLICT
            fi
        :: kind == ORDER && verb != V_BADFRAME && verb != V_UNKNOWN && i == NS ->
            if
            :: verb == V_SANDBOX -> valid = !sandbox
            :: verb == V_CREATE -> valid = VALID_CREATE(c)
            :: verb == V_START -> valid = VALID_START(c)
            :: verb == V_EXEC -> valid = VALID_EXEC(c)
            :: verb == V_READY -> valid = VALID_READY
            fi;
            if
            :: !valid -> st = S_STATE
            :: valid && !POLICY_ALLOWS(verb, c) -> st = S_POLICY
            :: valid && POLICY_ALLOWS(verb, c) ->
                /* The executor carries it out, or fails (then nothing changes). */
                if
                :: st = S_OK ->
                    if
                    :: verb == V_SANDBOX -> sandbox_up()
                    :: verb == V_CREATE -> move(c, CREATED)
                    :: verb == V_START -> move(c, RUNNING)
                    :: verb == V_EXEC || verb == V_READY -> skip
                    fi
                :: st = S_EXECFAIL
                fi
            fi;
            slotUID[oldest] = u; slotVerb[oldest] = verb; slotCont[oldest] = c; slotStatus[oldest] = st;
            oldest = (oldest + 1) % NS
        fi;
        toHost ! REPLY, st, u;
        kind = 0; verb = 0; c = 0; u = 0; st = 0; valid = false; i = 0
        }
    :: events ? e, ok ->
        /* A workload event: fold it into the model, then ring the doorbell (a code, no UID). */
        atomic {
        if
        :: ok -> move(e, EXITED_OK)
        :: !ok -> move(e, EXITED_FAIL)
        fi;
        toHost ! DOORBELL, S_OK, 0;
        e = 0; ok = false
        }
    od
}

/* Running containers exit at any moment, once. */
active proctype Workload() {
    byte c;
end_workload:
    do
    :: atomic { select (c : 0 .. NC - 1);
           phase[c] == RUNNING && !exitReported[c] ->
           exitReported[c] = true;
           if
           :: events ! c, true
           :: events ! c, false
           fi;
           c = 0
       }
    od
}

/* The host: any order, any container, any UID (so replays), bad frames, polls. */
active proctype Host() {
    mtype verb, k, st;
    byte c, u, ru;
end_host:
    do
    :: !waiting ->
        atomic {
        /* A fresh UID, or a replay of one of the recent ones (with the same or another noun). */
        if
        :: u = nextUID; nextUID = (nextUID % NU) + 1
        :: slotUID[0] != 0 -> u = slotUID[0]
        fi;
        if
        :: verb = V_SANDBOX
        :: verb = V_CREATE; select (c : 0 .. NC - 1)
        :: verb = V_START; select (c : 0 .. NC - 1)
        :: verb = V_EXEC; select (c : 0 .. NC - 1)
        :: verb = V_READY
        :: verb = V_UNKNOWN
        :: verb = V_BADFRAME
        fi;
        waiting = true; pendingUID = u;
        toGate ! ORDER, verb, c, u;
        verb = 0; c = 0; u = 0
        }
    :: !waiting ->
        atomic {
        if
        :: u = nextUID; nextUID = (nextUID % NU) + 1
        :: slotUID[0] != 0 -> u = slotUID[0]
        fi;
        waiting = true; pendingUID = u;
        toGate ! POLL, V_NONE, 0, u;
        u = 0
        }
    :: toHost ? k, st, ru ->
        atomic {
        if
        :: k == REPLY ->
            assert(waiting && ru == pendingUID);   /* P1: the reply names the UID just sent */
            waiting = false
        :: k == DOORBELL ->
            assert(ru == 0)                   /* P1: a doorbell names no UID */
        fi;
        k = 0; st = 0; ru = 0
        }
    od
}

/* P3: once an app container has started, the init container has completed (and stays so). */
ltl init_first { [] ((phase[1] >= RUNNING || phase[2] >= RUNNING) -> phase[0] == EXITED_OK) }

/* P4: every order or poll the host sends is answered. */
ltl answered { [] (waiting -> <> !waiting) }
