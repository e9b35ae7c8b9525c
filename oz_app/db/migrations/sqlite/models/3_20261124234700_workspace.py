from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_runs_tenant_80b7c2";
        CREATE TABLE IF NOT EXISTS "users" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "username" VARCHAR(64) NOT NULL UNIQUE,
    "password_hash" VARCHAR(300) NOT NULL /* scrypt; empty: cannot log in */,
    "created_at" TIMESTAMP NOT NULL
) /* Someone who signs in to the workspace; in desktop mode, the one local user. */;
        CREATE TABLE IF NOT EXISTS "agents" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "name" VARCHAR(64) NOT NULL,
    "color" VARCHAR(32) NOT NULL,
    "icon" VARCHAR(64) NOT NULL,
    "harness" VARCHAR(64) NOT NULL,
    "model" VARCHAR(200) NOT NULL,
    "environment_id" VARCHAR(32),
    "system_prompt" TEXT NOT NULL,
    "repository" VARCHAR(2000) NOT NULL,
    "status" VARCHAR(16) NOT NULL /* idle, running or error */,
    "created_at" TIMESTAMP NOT NULL,
    "owner_id" VARCHAR(32) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_agents_owner_i_4a1503" UNIQUE ("owner_id", "name")
) /* An AI agent a user set up; every reply it gives is a run of the control plane. */;
        CREATE TABLE IF NOT EXISTS "notifications" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "room_id" VARCHAR(32),
    "title" VARCHAR(500) NOT NULL,
    "body" TEXT NOT NULL,
    "read" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "owner_id" VARCHAR(32) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
) /* An inbox entry for a user, usually sent by an agent. */;
CREATE INDEX IF NOT EXISTS "idx_notificatio_owner_i_eecc20" ON "notifications" ("owner_id", "read");
        CREATE TABLE IF NOT EXISTS "rooms" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "paused" INT NOT NULL,
    "share_token" VARCHAR(64) UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "owner_id" VARCHAR(32) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
) /* A conversation between people and agents, with its board and artifacts. */;
        CREATE TABLE IF NOT EXISTS "artifacts" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL /* plan, pull_request or document */,
    "title" VARCHAR(500) NOT NULL,
    "url" VARCHAR(2000) NOT NULL,
    "content" TEXT NOT NULL,
    "run_id" VARCHAR(36),
    "created_at" TIMESTAMP NOT NULL,
    "room_id" VARCHAR(32) NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE
) /* A plan, pull request or document produced in a room. */;
        CREATE TABLE IF NOT EXISTS "messages" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "author_kind" VARCHAR(8) NOT NULL /* user, agent or system */,
    "author_name" VARCHAR(64) NOT NULL,
    "agent_id" VARCHAR(32),
    "content" TEXT NOT NULL,
    "state" VARCHAR(16) NOT NULL /* done, streaming, failed, cancelled */,
    "run_id" VARCHAR(36),
    "depth" INT NOT NULL /* 0 for people; an agent answering an agent is one deeper */,
    "created_at" TIMESTAMP NOT NULL,
    "room_id" VARCHAR(32) NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE
) /* One chat message; an agent's reply is written as its run streams (``run_id``). */;
CREATE INDEX IF NOT EXISTS "idx_messages_room_id_2170a6" ON "messages" ("room_id", "id");
        CREATE TABLE IF NOT EXISTS "tasks" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "title" VARCHAR(500) NOT NULL,
    "description" TEXT NOT NULL,
    "status" VARCHAR(16) NOT NULL /* backlog, in_progress or done */,
    "priority" VARCHAR(8) NOT NULL /* low, medium or high */,
    "assignee_id" VARCHAR(32) /* an agent id */,
    "position" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "room_id" VARCHAR(32) NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE
) /* A card on a room's kanban board. */;
        CREATE TABLE "room_members" (
    "agent_id" VARCHAR(32) NOT NULL REFERENCES "agents" ("id") ON DELETE CASCADE,
    "rooms_id" VARCHAR(32) NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE
);
        CREATE UNIQUE INDEX IF NOT EXISTS "uidx_room_member_rooms_i_74ba1a" ON "room_members" ("rooms_id", "agent_id");
        CREATE INDEX "idx_runs_tenant_2dda1c" ON "runs" ("tenant", "created_at", "id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_runs_tenant_2dda1c";
        DROP TABLE IF EXISTS "users";
        DROP TABLE IF EXISTS "room_members";
        DROP TABLE IF EXISTS "rooms";
        DROP TABLE IF EXISTS "tasks";
        DROP TABLE IF EXISTS "messages";
        DROP TABLE IF EXISTS "notifications";
        DROP TABLE IF EXISTS "agents";
        DROP TABLE IF EXISTS "artifacts";
        CREATE INDEX "idx_runs_tenant_80b7c2" ON "runs" ("tenant", "created_at");"""


MODELS_STATE = (
    "eJztXWlz3DYS/Suo2Q+RtyYuaXRYa6dSNbKVRIkluWTl2LhSFGYIzaBEEgwAWp7K+r8vAN"
    "6niNEcFIUv9ghA83gAge6H7sY/A5fYyGEvxzPk8cFr8M/Agy4SP/IVQzCAvp8WywIOJ45q"
    "CWUTVQQnjFM4lRe6hQ5DoshGbEqxzzHxZNuxB8ZnQEkACAKGKGCIg8B/A9BnRBeAIt9ZAM"
    "zBDH9GDGAmmtHAA+QW8DkCU+JxShzgO9BDL+U9bTIVN8XebD2XDzz8d4AsTmZINKDiJp8+"
    "Dci9J36KWgXWX3+JX9iz0RfEZL3807+zbjFy7Byk2JYyqtziC1+VvZ1D+oNqKd9lYk2JE7"
    "he2tpf8DnxkubiVWWpeEFEIUd2BmkvcJyoS+Ki8OFFAacBSh7STgtsdAsDR/aXlA6fIC0b"
    "WNbF5bX18fTasgalvowlMvhHRQJFOQ6wHBXy/V34xXKQN+Nz8ef+6Gt4nxSHsJW84W/jq7"
    "c/ja929kcv5A2JGEzhGLuIakaq6qu6BOQwvIhCPYVZ/a8BdNx+NVDHBSnW6aewcbCPDlqA"
    "fXRQC7askmCn4ArYCNVBNxHYHLyDfx1OjybT3cGTGtCZeULcT2umiNpvEGHmQsrFrLjYDM"
    "arH8cCTA8xpgNzRmSDSMc/nyjOSl/QQTkR2CDGmwF3tLvbAl3RqhZeVZfHF3mfMSWeKzQe"
    "S0+/KEsuhXikSXRz/Vv93MwWjCPX8ilxfV6G+xp94dVwlwR7ML4bwL0+/eNaXtll7G8nC+"
    "rO+fgPhbe7iGreX178GDfPdMLb95cnBfCF9k4Y5oQudAZ6XqoHsJemlZbzSuPEUppZGIc8"
    "0FogU4kNgoxtB2kCrWSG0u7zBMyAUIAoDZVUXfD3jlpAv3dUC7ysKijYFEmILFgxu7wTNR"
    "y7qEbTzkkWusCORF/GP56gbdM03Zydn368Hp9/yM0578bXp7JmlJtv4tKdYrckFwG/n13/"
    "BOSf4M/Li1MFJ2F8RtUd03bXfw7kM8GAE8sj9xa0s5jExXFRrpsVhaC5Ymdlemisrmaxlu"
    "zL7V0lMZDQNnnAfyAU4Zn3C1oo2M/EI0JvWkUJRJzYrww9RbS/xuMpLk21NwrvE74qN8zE"
    "y4tXRjwcmeOPb8fvTgcK4wmc3t1Dals5sGUNGZFCSdK2XOWO3Mq+ooS4FYvPOfQW10T+27"
    "KvrsR1nhxj1tBT6rWsAkkbvyRFjloBkmrkThANYSRU9cAdWiTwRn2c9E5Up+jTqI7PKQlm"
    "81jEylyxcmiIcisLtXxqNVxc6Inr2tErfx2mBDPl+DbkjMvkc1w3bOSfo1ZtKWjF7g6BL5"
    "4DUCS6m3GpA4huCaQxBISKbgdTZAPsSXZYvHYF0bzkRSroZMMed4o9vhOvqQN03L7LC/Ig"
    "HaxWxWDthuLLMXe0ePtEoMvQLznOD1vZdIcNJt1h2aILqBYTFzU3BnNLg1luHkZfU1tSKC"
    "PSA5g3TgcFnqYFlUr0kOtsMyPv18/I+4aKeJ5UhFLsNb+jVKSHi+/aiQga2WuP5CGWtW27"
    "8e08yENkBtmGaYhGg/U03TcbVNis2ephk9ma2X9rabn+LixGJKzJe0LvEJX8NQPQC92dXs"
    "tf2BW/hyDZ8MCIDaUDVOCDKXHFG9lSwBZFYoLmrGzWruUOD9u8nwZCC4IhYIFvx0vHX8YW"
    "3q4tnPZKa5sskeiwgqXuCG6FBTxzyAQ6oPgpbt9twviwrddtIvtkJZjr7bWCmLHZtG028U"
    "R3cndBriM6A7wo18OBvhbOR63UZaB//nh50eAtUWW14SkH/wMOZnxtg/y728CbShDBJMAO"
    "xx57Ke/3/RYGvwSoefAXx/kwb5nJCxQHv1KUrFhR0umVsqTpnpV3j1ADrM+QMosh6KAKFb"
    "N+YagQ7fIMlTU+gHhuLG8vNHnkTenCF08H7jGfq5CIUJMHcm+wkwuKIamW6oqnRlJlzELN"
    "bs5Lmm7uXDeXiLLt8DrniDGpXFZwOnHVsInPccNGLbmcSw+B6RxyEIm9SXiWb1gcpcbAPc"
    "VcmNQAMoA5U5Fq4sIIugzs3NyEuxk3Ny/KRM7qL9+GxYl5TWxrcjcneHbm1SytlewN9kpq"
    "TsQddJe8UWPr2/+MRvv7r0a7+0fHhwevXh0e7x6Ltup5y1WvGr7tk7Mfzy4KC6QsaKZ0xN"
    "c3J9TS9XIoiHVat5Fhn8MoCJRQEDreL0PrHLcwx45rjbHjoikWYahL7RTEugx9Z6KOsi5s"
    "rXGemUgYnUgY4+6wYUtHhldozRyJwCbDFYmnHY4hZYaR5iEAH4rrYmFED8FU7n86kT29fQ"
    "8142+yXn8TG/niyiV4azXDpP3DyuGqxveu5tDeVdtMPiK+k9HBxQ92jyTWaZFQx8VnAGyE"
    "fNQ2FCnUKEd7B68OjvePDhJFMilp0h9jXdFQKc/Axjb+Psbfx/j7LMULXRCOb/EURq9dIo"
    "dy9cMmhsjLtGyfLwl7E/IFiCWCLtRiEuY1Gop/A+g4C8Dk6jFZJCtJZVakpS7ShvJJYurE"
    "CqDL+hiPnZV77Gxhbu+2krpys9eEqazbZWFC7Ir8DvWsQtzeUApLJNSAVWw8IQ6CXp1/CK"
    "yaKyZCZl1wJyWbRfzk8vJ9DvGTsyKkv56fnF7t7Cn4RSPMcyy8sayemWVlkjqYpA4dNa62"
    "mNSh0br6QMlnbCN6haaE5k2G6hbDJgvLj9q2TwUQCQDxlSMbQK42weVUCnY+Is4F9Az4Ku"
    "YB2i72wPjD2Ys34Obm8k/rw9Xlb2fvTq+s7345/e/31r9vbsA99iSNJ8yrqQPZvDJvwPrv"
    "+IgkA5GbV9vJK2reO0PtoI1ae1Cv1R7sPhhaIbHSsSKi9j1cIvZaGRF7DUbEXtmIMHkn1x"
    "tAMYEMWZoJBbIyfUR5LVkFoI9lYp4lfJLLkj0AfdMWsstmloNdXGG41e5L5mQ6uzep67i2"
    "sm1GobLYwq5iQp+rjIKoxbUsaMAtMQ0OtqaulgWaEenBBLGhXC8CM0hnFaO3wfspI9MDoE"
    "2gR2f06T5xaCbQo7fd3JFAD+VGUUE0xe4V9fRSkpS0DbUkOu8zogyGAZOI3yPkRZ5gKkVG"
    "eGzSMIy0k+EXEyJeLayKM1pWEUgru67JRdkFanvYQBKZLBAmC0QvdTkfBqyKzGjceU6FzN"
    "6zxt4zE9OFnOXvkNahUgWxlbgGdWjyXsPJaMY+6aviavb4zR7/9j+fte7xZzYcYiOhgtw6"
    "iWR/+OVKHjVQrQBVJO/vCeD5nYEo3v+RMGVyC/QRJQ7Z3WMhuhbX6BM+jyQ3skMwPd8jh6"
    "72MSnJMc9Pyh5vmBgrz0lJ3rJ4UEp62kz+mJRsTHjxmJTsESqPPSYl5cfqWaugMvpEFg8b"
    "OaugbayJzBkiOnEaKGaJ3AIIwtMKs4EhrwH2vhXFUzFtgZ33l2/H71/ILAvKBSlKG7tzdX"
    "p+eX1ak5Zk9bfQSzCb17ZlqpIh+JTGSmeqVUW5uWHFNhEW3KGstBtaWKTJPTo8is+inyBh"
    "gFOgLHBRADmIhiLAS53YsnqL14TCrDsURv+Y2W2cL7sl5uC55tjYnGPmyjNohPqUuOktnp"
    "VRrk9/WpTrRvJTeds+JT81B4lvMI40NFD0kM7K9A/jtWzxhWdSW27KsrRdScuSfYB80wuq"
    "OllboGprrap5qT7gvm5dnCJOF+rVSzA/EM6bkVtuX7VjSG9mV5UE3A+0NPNUwjgMaE8juT"
    "N+W2uNWaFuqIy9ypfPxNIoHtFysHenZTMV5Po3v6/L7TzhTi2HpBmHWq+qldIbnI0Ul7uu"
    "0b/W3L1x1K4O3FmZ/g3xtURtxpBZ2uGbZcn+Qb4WAwlyjlxfc2HNyJh1deXr6tSB2EW2Nd"
    "GKxc9LmdHfavQLw4ghC33xseiPJVz3quRX4MDXsY7ok/+ecdN8Ft1swsieRTczLoz8pbo5"
    "L2nm7C738i32MJsv1c0FUdPPXevnjgSFKh/TCv+62Pe03sFOebiqJm2CQmUopnJkk36C3z"
    "BwB70J9MIYzcpozwcFTBhnN7Z2GxzWjJ/Umv2kTCDnFv2lggruqNlhKth0DhS5Rjhkpol6"
    "LDYE2LN8SuRSx6QncnLI0dYdqnyKCcVciyjKymywD1xk48DV7QKH3A9BKCqRn+PZfBnkV3"
    "2UH2N45iGke8RcXqzDHN0gPZdoqcO3Vu8vJXRNXD2/1+YLy4qYTGEmJ/mzsakMEfbsutkc"
    "6mUO9drCt/NUD/VSmQAq6J44Q0A93SPPzWpJ93wkLpJnOt7PCZCKHxN2BOBERXfJOEbmwy"
    "l6IwuF4B0nPpD3G6p6KSe9dBx1UFeZGVrxtQ2J1IXZZthAIsmu0s0HlpXpHeSr96H2hX0m"
    "vh3bmkNWcQ5tg0VdFOwukzQQfyx8/gZIB57Fa3nEske4mA5mYq5YytJrxeftN/B5+xXpdY"
    "1t0lelVWO/pxA3+OiENMvmuOhGjzfnWcmdLfpIoIonmvYRL5W945E49Ux1f2xemkaFe4wo"
    "ns6rVO6oplHphmmbh7TuehhWrOPW0o6VKm4F4RipTt1Vt1ZCONZrtDKLsWYEQ0akh5TF6P"
    "CwjYfr4WG9h6usK54f42ttUYTNe4juWgIWxB05qkpGU+88nxHZvO/8dhTTlXnJb9VZ6Ov/"
    "ATHqxyo="
)
