from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "knowledge" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "text" TEXT NOT NULL,
    "source" VARCHAR(64) NOT NULL,
    "item_id" VARCHAR(32),
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "room_id" VARCHAR(32) NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "knowledge"."source" IS 'who stated it: an agent''s or a person''s name';
COMMENT ON TABLE "knowledge" IS 'Something learned in a room''s work (an agent''s stated learning or a person''s note), offered';
        CREATE TABLE IF NOT EXISTS "prds" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "title" VARCHAR(500) NOT NULL,
    "text" TEXT NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "planner_id" VARCHAR(32),
    "plan_run_id" VARCHAR(36),
    "root_run_id" VARCHAR(36),
    "plan_attempts" INT NOT NULL,
    "plan_error" TEXT NOT NULL,
    "created_by" VARCHAR(32),
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "approved_at" TIMESTAMPTZ,
    "finished_at" TIMESTAMPTZ,
    "room_id" VARCHAR(32) NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_prds_room_id_24ad36" ON "prds" ("room_id", "state");
CREATE INDEX IF NOT EXISTS "idx_prds_state_263960" ON "prds" ("state");
COMMENT ON COLUMN "prds"."text" IS 'the PRD, Markdown';
COMMENT ON COLUMN "prds"."planner_id" IS 'the SPEC agent that plans it';
COMMENT ON COLUMN "prds"."plan_run_id" IS 'the planning run under way or last';
COMMENT ON COLUMN "prds"."created_by" IS 'the user who wrote it';
COMMENT ON TABLE "prds" IS 'A product requirement written in a room (WS-12): a planning agent decomposes it into epics';
        CREATE TABLE IF NOT EXISTS "epics" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "title" VARCHAR(500) NOT NULL,
    "description" TEXT NOT NULL,
    "position" INT NOT NULL,
    "prd_id" VARCHAR(32) NOT NULL REFERENCES "prds" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "epics" IS 'A group of a PRD''s work items.';
        CREATE TABLE IF NOT EXISTS "work_items" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "key" VARCHAR(64) NOT NULL,
    "title" VARCHAR(500) NOT NULL,
    "description" TEXT NOT NULL,
    "acceptance" JSONB NOT NULL,
    "estimate" VARCHAR(64) NOT NULL,
    "depends_on" JSONB NOT NULL,
    "position" INT NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "assignee_id" VARCHAR(32),
    "claimed_by" VARCHAR(32),
    "run_id" VARCHAR(36),
    "root_run_id" VARCHAR(36),
    "lease_expires_at" TIMESTAMPTZ,
    "round" INT NOT NULL,
    "attempts" INT NOT NULL,
    "feedback" TEXT NOT NULL,
    "output" TEXT NOT NULL,
    "last_error" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "epic_id" VARCHAR(32) REFERENCES "epics" ("id") ON DELETE SET NULL,
    "prd_id" VARCHAR(32) NOT NULL REFERENCES "prds" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_work_items_prd_id_b1d8e6" ON "work_items" ("prd_id", "state");
CREATE INDEX IF NOT EXISTS "idx_work_items_state_a7f272" ON "work_items" ("state", "lease_expires_at");
CREATE INDEX IF NOT EXISTS "idx_work_items_run_id_d79c4c" ON "work_items" ("run_id");
COMMENT ON COLUMN "work_items"."key" IS 'the plan''s name for it, used by depends_on';
COMMENT ON COLUMN "work_items"."acceptance" IS 'acceptance criteria';
COMMENT ON COLUMN "work_items"."depends_on" IS 'keys of the items it waits for';
COMMENT ON COLUMN "work_items"."assignee_id" IS 'the IMPLEMENT agent a person chose';
COMMENT ON COLUMN "work_items"."claimed_by" IS 'the agent working on it';
COMMENT ON COLUMN "work_items"."root_run_id" IS 'its first attempt; later ones descend';
COMMENT ON COLUMN "work_items"."output" IS 'the last implementation''s answer, for the review';
COMMENT ON TABLE "work_items" IS 'One piece of a PRD''s work (WS-12). ``state``: ``draft`` (in a plan not yet approved),';
        CREATE TABLE IF NOT EXISTS "work_events" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(24) NOT NULL,
    "actor" VARCHAR(64) NOT NULL,
    "text" TEXT NOT NULL,
    "run_id" VARCHAR(36),
    "at" TIMESTAMPTZ NOT NULL,
    "item_id" VARCHAR(32) NOT NULL REFERENCES "work_items" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_work_events_item_id_a0397b" ON "work_events" ("item_id", "id");
COMMENT ON TABLE "work_events" IS 'A line of a work item''s history: claims, attempts, verdicts, a person''s decisions.';
        ALTER TABLE "rooms" ADD "work_limit" INT NOT NULL DEFAULT 2;
        ALTER TABLE "rooms" ADD "review_rounds" INT NOT NULL DEFAULT 3;
        ALTER TABLE "tasks" ADD "item_id" VARCHAR(32);
        COMMENT ON COLUMN rooms."work_limit" IS 'work items its agents work on at once (WS-12)';
COMMENT ON COLUMN rooms."review_rounds" IS 'reviews asking for changes before a person decides';
COMMENT ON COLUMN tasks."item_id" IS 'the PRD work item it shows (WS-12)';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "rooms" DROP COLUMN "work_limit";
        ALTER TABLE "rooms" DROP COLUMN "review_rounds";
        ALTER TABLE "tasks" DROP COLUMN "item_id";
        DROP TABLE IF EXISTS "work_items";
        DROP TABLE IF EXISTS "epics";
        DROP TABLE IF EXISTS "work_events";
        DROP TABLE IF EXISTS "knowledge";
        DROP TABLE IF EXISTS "prds";"""


MODELS_STATE = (
    "eJztXW132zaW/is42g+x98jZ2onTjDM75zip2/HmzWu705mpeyRahCWsKYIFQCva2f73xQ"
    "VIihQpmpBEmqLxJbEIXJB8AAL3/f6rN6Uu9vjL0zH2Re8E/avnO1Ms/8g29FHPCYLFZbgg"
    "nFtP9XSgi7rk3HLBnBEMdOd4HMtLLuYjRgJBqA99T310eo4UxQly0Iyyex44I4xCjtkLjv"
    "aGQzrzMRsO9xFlyJHdL86RwL7jC9lMXElIxBztfbg4ODzaf4eoj5F6kj48gEtH8gmIP675"
    "Xjc+p0CgBkdTx8WI+EhMMPr5HBEu7wDd0B2jU3X16oePsrur/qbyH4ZmzhwxGvruS3T2gJ"
    "n8gQNvjoi48cfkAXMYxUEs9BG9U2Qj6gtGPRR4jo9fwsuGPvk9xANBxxiGlK/866899UbQ"
    "qubxt9/kX8R38TfMoR1+BveDO4I9NzPbxAUadX0g5oG69mHisB9VT0D2djCiXjj1F72DuZ"
    "hQP+kugYerEhHMHIHd1CLwQ8+LVkt8ST+8vCBYiJOHdBcXXHznhB4sJaDWT7C41hsMvny9"
    "HlydXQ8GvdwyiylSqyG6JFGEJUpgwcL7T51vAw/7YzGRP18d/aHvs8BB94Ib/u308sNfTy"
    "/3Xh3tww2pXOd6+X+JWo5U0x9qCEc4ehCF+gJmvbhMoF5QrAV3BGaCdtxlAffiQ20c7zev"
    "K+D95vVKvKEJ8F7gq75HDZEBxlmq7SzrKkD3Pvx8df31c68RsA/fVAD78M1KsKEpC3b6sX"
    "JoX+NvohjtJbIG4a4L6BJgr8/+fg0jTzn/3UsDuvf59O8K6+k8avn09ctPcffUBHz49PX9"
    "EvDxyZRH/b+uvn5ZtWUvaJYgd8lIoP9DHuGiNuj/fBf6I8AV3YbEE8TnL+G2fzGckl50mM"
    "rjWR+9HAs52JgvH/7GEwXIlU/U8pwAkJSLMVOjqAGWJ4rjEcOCDzh2PFxwwq7+SPKU9jsx"
    "/k7CwAVoBk7BifuDbBFkiovhz1Iufy8R6cv4j907h8tm4vzz2dX16eeLzHT8cHp9Bi1Hma"
    "mIr+4tHxvJIOiX8+u/IviJ/vn1y9nyR5P0u/5nD57JCQUd+HQ2cNw0JvHl+FJmltX/Bqd9"
    "3L+5D2qHGSoJG2Um6CYEDe5X/3Y8enM7+q4ZPmpbQkLqOB8VMVAl0teocc6JTx0mOWQ6bw"
    "bj7a9jCaaPOTeBOUXSINLxnzuKs1IPmaCcEHSAv8mCe/TddxXQlb1Wwqvasvhi/4Ew6k9B"
    "YDXT2eQpu6dQ2P7ezOdc4OkgYHQaFHCRJQz8MmEH1nfT/DvDklckgrICSXf1Qs9SdQD23L"
    "ZScV8p3VhyOwsXjgiNDsgFRYMgE9fDpkoDoOmDLt2XMIOqHzOmmdSnV6LJDeKBuNiIx07T"
    "tHd9K11N/KjoHs/fISz3wvmJMmdE3NWLipqb2uUchtdUFWQpt6AqaJuI2SVdgbKOGTJOaR"
    "rLMhWzTGBXvLsvNHklBsks3j9ShsnY/4jnCvVz+YiOPypSzESG6J853kGw/4hXU3x18YjM"
    "mSWG2Mwik+8u3xgLvS5Prz6c/nDWUxDfOqP7mcPcQQZraKFHdOlK0jffND2aFk4Vo3RawA"
    "F8dvz5NYV/K07VpRxnnY3uSU3BJTOlXmuw5BgRvyTDntr/k2Y8vcVMw0iZmgF59iXwRnOc"
    "zE7Upk2Quk1MGA3Hk5hkkBqxcGnI64M01PDUarlMHV+O60av/Ed/4dQRkGt6j/1ekcNH3N"
    "Yv9fkIyEBAt6p+H+gWO0zyAYoISWQUFwAOF3tXZx8OXu+Di0bkmBHIt6W+4+nOfeDY9nyq"
    "Wvdlr4VJPOvusfVb3Ph6KBjGcafER4TzELsv0Vdf+WpwxCfO0fEbcNbgUuKQTb1+oWOG9c"
    "Nolx8GzOtg4vCJCdxZqs7Bvn2u2ppmFpJjJan9sERoP8zL7FZqeew474TU4jlcDOTRtM5E"
    "L9NaW3abZxr4D0PxNEVipVNj6TTkVjh9VDhNLbGGZdNyKYYJcqeljrwUE7eVSzFRr8pCDD"
    "hf91EgnwMxLOeQiz66I6Bdlh2xlIYmVIAswfAdZlgumdiHm8EfUpgDhagbjrCrvcpf7b8s"
    "kGNqusvjYsmvPTlMNNMxNnqpy46/Ll2CVaJ7/2bFmdJNrIrR4NVqo8GrN9at/IndypcXfm"
    "XP8mXC9ppr1jVHVgH7aDXYRzmwYZXnMV7t2Rz3312v5m2wurX4L8OhY8iOpki6t7NsaydP"
    "mX/DW4+M8gC/p9TDjr/C/psQLUF8K6nqWuzJlWbX9fuvXz9l1vX782XPkZ8/vz+73DtUqM"
    "tORDOn51+ul7C+l69nspTj/m3WRvUWvOIg4hWBDZSQh1OcV5I/jY+DIMIzOjYTgjZDv+Ye"
    "clxJEXhcogg8zisCQ2bkdBl17x4zUpNvFMTe4iIGe7X/X4qkAzA37vmXiKGVvf4SCst2PM"
    "52WMPBWkt919TJyn3A8DtakHTwQ6pbncwip5AN1ckVHWhahnVVdXJqibVJnXy2CJDoFWiU"
    "0839MqVyKtCiol75lwlmOMpQghmocnmSXOQE/iJT+XcfJZ7tBPM+hD6HARrRqXwjl6v0Il"
    "HUcF6nXMsdquiTF3rGVEit1Rc/tftLN/XF6o7K8Wvs0VvHQ8uf4tNrkq1HTL3xcTYnyRNJ"
    "bPKJ7sFKDOeIyQJfpuvgQq9F46NOahMzSULQDjsJ3K8zdhLFKA1iRslkVvKUdnq2Pj2SDR"
    "g8OGydPDwFpG3eodLCB5LPTeD2kpPH/ojNA/l0aEbERDm0a04e4vKqcUZNHyhWRbXWVOya"
    "iqpFOZrsNG93mnN6sifS6wRk1CtS6ATahl6iyZE9KrsGjhkNA0jW6qCLyx9ecKVrQUTgaY"
    "E+5vHuNoao9UoUa9WuWcaxwvwT8V5KCVyI+rm/AvQ0yRLixK9NdPmursU9hic4ODp8/f3r"
    "t6/evH4ru6inTK58XzInedejQB5iZtvygqKDu0XtdjiJ3hbMcBd6lB2DuqoZbrHCTK1wC5"
    "yBaRkopqVA6/E+Iv7x4yXEyBdvDhHUv8iBzuU4rbElbAz3H3XytD85EVOY42qjllK+dqz6"
    "VK/YoFMtO/wegwHwQU6Op69x5AhEIQBl75erg+N9ldqHMFXLgGCORg5jc3mNQDWFd2g2iY"
    "LpISgxzxPXdKMbf+JwhOXqcPsRmePzmQQAjSmC+UCCouHQw447HEZ3GQ4lakQ+AZbXqobP"
    "WI78aTlymEHDYzZF0uZzVuXS0l+HmDjRJ1JNb1d3hkQXB6Igi8JKRjHp3xyXWOcS3zKjmO"
    "w6BcdpWUhAhs5GBRhEBVg98zoTsBMKyCd2hWzbdHbaF7JtYO+4M+S5/6B3zJyAEbWUChhE"
    "9amsOqc+Pgg5RlwujIMwQB7x75V7osq5paqrqQxeh4XR8obUlo2PgY9yl0X15QC2F1znQ1"
    "uHs9yWr9xq9p5RM3173L9BBbBO1VeXGjgL+NsKeL9dCffbVSEht0bJtrNU9pisIDBZhvNZ"
    "MJz4W0DkcGtMc5bSTnOrp1mlVjPbM1MkLXamb5dY8TRc8Ec56x52x/jMF2xexA0v9Sjliu"
    "/jvtX44is6lRwqVCzwMCTLd6HEsM7vFLuL7MUxPC8g/yysGN03KnPgRGluZatPBd7vS17v"
    "LlYSZbjoGu8FSXQRpEhmSBdD4THHqTJVKVU9k2LPg+MLpd0/PLKMenu+xDKGXOBvRjHxcf"
    "9OsIlN+2RwGrKRkfyzoGivC0xvNqHxdkJ0KGK8ySxtKlEg1NOHcIG521CTmCKxJ76VkCzr"
    "rFln6/r9HKbZWl6s5cVaXirLnJ/omPinQkCttF6BxJlp75fJmx70lHuk6lrRGPPVx0jSHY"
    "D4pwn7aERDH/izW3wnl5AS3QKHcykVulD4ZDTBI3DYUkaWNwUmmi2NWSXdRBTNZpxj4j0Z"
    "r3RYKdyHCrxVojXWXulQu6r86ejo1avvj7579ebt8evvvz9++13is5JvKnNeeX/+E3hTZD"
    "ap2L1itcwYzVDVkyDq3uZTQKVHP/kzvOBflNDiuvLnyCPKl1H+wJz/ZR3RpZYECebMlmWy"
    "WspktURJ+lmub2dc6CsQN5UeU1PdyeCAGoELZET2Ep0uVAbgDjyH84PKXpARf+/q+uBw/w"
    "TNgIIIxJ25zmM0oTP1W+jMRiynW6jtRje+lFFddMfoVGtBgXo41PkLwdcYnYOKdOaj4VAp"
    "RoZDuBF0levXDUeCshf8RLbKjygE92S0N3OIAD2sPEtv/IWraFQBDRidPvKputUci/2+Gl"
    "o+xlQSAT1UMoNGeZ/Qh2qtM2e+r5yl4Slc+ZLDYf/GHw7vHOKpW8qhh8MR8I9edAHcpuO3"
    "d/i90vJSOKhjD27wwr7FckSX8MAR8oh3X8IgOlHmcHjjy9unND7R0+tC2uCZgL+JfvJOMA"
    "HRRa1Djt8B/CBhXiT66vY3PtyBUU+VVcBoj+EpFQp3uVshWJAG5REilhiKHkBFBDVBcCFu"
    "SOr4Wf6jnfyH3EUnlA1Mc0EvkbWeH+kvtgD9Aa3DgGzZwyTC0DQF1hJZm6FfUyFQQ8GKVD"
    "nRyjinaKyWuoKW2iaFbtgCFh+2lQ1gMUGDYAOzZGoDA5o+SjiyPtJsVh8lDNY6u/f28/jb"
    "rNz1ZuXegVAqw4D73ncqHWeAaeDhd4l1NwrABJEluRQJUy7GQeRB23jwlYqqK3TmKuPP01"
    "RrTURDyVFBbIpkWSkxUQ6/fJX1TQfc6oLZJBJujWagEZ5+MU86ftlwK8oQtXg3UvOkHxa+"
    "j8WMxFHL65wF2+d+JI/DCsp0lWTSiwnay/n0lP4irV7QHmugxeVoTylW4shxNUHY3a82G0"
    "2zStaDYq2p2AWtb+YjdMl6s5wh3JmS0L1E0ad1Aiq9Ayhp/bFyH9v8W9y1BWB9K6xvhfWt"
    "qGyq+kIFuSMjJ3rtnL0q094vM1r5qZ7VE+kQ/5Z+QxhCBRS77SCtqw156HiSw+MgCN3OE6"
    "GoINx1zUGqGDfozNeSFxiobJGOp/aut8Wb6pZhbAbPujN43lK3QJuyWkiM+7dXRmytdlxt"
    "2jmoS5MGxSQ2X5DNF2RF66xkpZghw+M3TdPBE6J22SphQDcUrn7meBfRripcpZdZm6SrC+"
    "W55XgXjD4Qtzg9aa5Pv0zKCqLegyDqXjmlUEygbEogH4EONzFyQA5Q8LBTdRCpL4Um5Wh+"
    "tP8OvNdmBK4+AA0S2JmqMaKYZS5fB2qmFCUiauSeBYJcSnIDd+nfbJR0q+S47nm8rwn16y"
    "oCxuvV8sXrnHih0DHANu7fQXAPK4lvhyXi22FefFNbsgnACUEHBLgGgjFuHY4HITOCOE3T"
    "RZQrwlyKcz7qJSADubGuUQAuT9kB0JvWTUz5eOCRKSkQmVe61WRoWuvgZOr9vjVfJckwul"
    "Ki5RiCQgqKL6zENU9owV0Gl2MB8TSmlTwTmnbU8ITbmtbw7IF1HZ77hY5Bit+qDxYlgAft"
    "XXw6OJZCS1Q/UsopKqwJEkbFnVObZfuKgRY8ZNWzoIC0vYdBeiajuVpMpgPX4B1QjHH7Dg"
    "2raF1rKnZN0WqzwDyLabb6dKtPt/p0M306y+prs1XpSrTmzDXRk0NIOWL495AwrOqGzxgR"
    "Ahwt4xSgcVrOEwjP9hxf5fzUURuuFCOmcq+QTCARkkJQlFTNzavHa7nVjQ9x9ovyue90LH"
    "ocSY4kUIxCTLhKMiPH7McR6WQaePo5YASGHwieqV66DO+NDyHvUQw+BNzHDwQh8/Fgcum8"
    "SILndZdBEsvfj4l0mH5MgyBen+to/eQx4XVcoh8lemT5HMkQgyT0fi+6gBmjTP5WqQZmk/"
    "k7PbYzlksd4n4BW6zTAaj3AQ5+IkdXQ0L0u3oTNb4DKYn13zrYPxffD5H6cn5E8m5RToIb"
    "/44wLhZzJdtPEJRumytQVPmFyAAChY4RrEAMqRBUAgRS3TstdrzUQX2p6HvrqPbUaWCtG1"
    "XNblRdTLTbi3aEPvrssHtXHsLtFEN3Iuo43n6b0dJvP7I4OklNayRnqFrs8arW+tXF2Yd0"
    "DUd4el45aqVuX9gU42I6BYOdiPLuJRxbxKYsUh2hKJRorZnYehR4is0ymYklshbPxLqMzN"
    "aRVos3nR+zogklR2ctKLmC94mEYsK3ZKnaq1tvraH1yYp4NbiHK886KBswY5DHrS0HqDVX"
    "rPUV7Joe25ornsU0Rxq4deZ5iXRnouuf5TzfEZ/wyVrzvERq57nN82wTJdhECW20PW6QKC"
    "GVBgbMYAUC7PuI7sePl9hLkhoU43wmx+gQzllfScruB8oGtiFIv8iBzqNkul0Bql4Lto6I"
    "usQjusqYnenRL7drGwaBqUCqJCpLB2M5Qun+4ERGe1eRQxwK5PP3o4rxpxfn++/QcPj1n4"
    "OLy69/O//h7HLw549n//jL4N+HwyhQC8zVI8/hk6I4sKZuu0GBzKeMSWqRbXRbEUkltlEb"
    "oWQjlJqxytkIpYZQthFK3VOc2wglG6G0S+DaCCUboWQjlFpibbUmv07rjq3Jr7PTnNNfP1"
    "Wkh1YWXTkiZCuz0xb06lfRlw14QmCeP0m5Kuqs93Ivfn30pxPE8B3ECyi3fu3pL7Dv+AKF"
    "viAeGg7V/xCpcHF58KqgIPD2h7eqsCU/xwhfebL+HlLhoOixn1Bns1pHpubTeGuNieyuan"
    "fV4l31v2Hl/8xx0V6atJXuoOrbGcjdyKA4bbK1jRzPS+qcq6gsLlR2N9jMIGaMep5cBQda"
    "3I2+01Vb5tZGhqC2r5B9DgaRPLb8ijwpGXE5cJSkLqICiekeB+IEUS9KaqfFKG2kdIFDh6"
    "3GhwqsULJdP0/leC79tNDbFm1vR4Gl55TCrq2nZDrmK/4+KtuOEoo2I7+m3r2GGqnmnn1W"
    "jLMMRwnDoXyVCpiN2IdpNaMBbkCVZTM5eVIs4o7WpWIxg6LqusSijh5X0e19eZCLiaqWdE"
    "vlq+kmJsidHJ4XCWVbG3cDacyGbPeaCNk2rcHd4eLbtZjN00+Wg3m1+n6JrL2q+9bacXUq"
    "iwJZoawOxoLIVsIwqITB5XYBu/w9LljkJfHxWbKthJu1aPPePqOq3FdNnROyRM0Z0I/MQO"
    "4t8vbowo46M4+6Cu6OQifzibICVRTOtmxr14mBBoyGZn4MObrmZuGV4SzoR+VQCRqi40H1"
    "rstqSiYPy1+pdEouHkmZuWoV4i1PhbW4rnXS7oIMZ5MF2mSBT//51JosMKV7iuXlDQNSTq"
    "Nx1mCZWop3Zh/QVdY3BeknNUqH1mQGo3u5iXrYHeMNUfoYj3MGlWW7itYUcy55zE2X1Gc9"
    "TFdRggyiGyIUZSntIjoqZhNqZ26+NYFm+FKN1FWwhBQpNkXpWo7RJXw2tEGkd7PpbRQPmU"
    "X3s+PPryn8W5FrOwW5e+fU5iVMm3qvwZIhJnlLBmtOSoPpT1rDSJmaA7AEA58GBBG3l8xP"
    "1KZoojYxkVL+eJLsDqmJKWQS5fVBDuk/HjUuRVvFChPTYiMpNzTFe1dVe5MW/F9wyJ43wo"
    "tczSeR/8cMc4GigxUuQZrhB4w4mI/2Qh/upr1D+L4yFs0mTi5nU023UemPoaOrHM1ddBsK"
    "5FNwNPeFTsjsMudOrPQi/LUXRvKMymewUW1F668CbU34q0Ayx8GKgtglk5Aha23MUa/gcy"
    "Cu+g6MlHKNzFHKJAbfmZExLCawZjDzYvA23U3d+f7gXDCEOEViITbXUMYnsVVQlikoU4us"
    "WD+5vE9sAVKbpOlJ3M3CwjAhuFwuA4RV44DA61xOzChULmH0DqyAjE4DAbG2qtaIZKNPJK"
    "t+IC+PJC+C9j59/XD6aR8yaqtsNWDIxQztXZ59/np9tsKxffu3MHNAz9oG5UT/tqgukm1W"
    "DcXdF8Nlo/7i9rR33SBPVHS3wtG1YKtX42N9sf9AGPWnCyH2MYrY0euxfnw0wW7o4YrD8n"
    "vieQMe4FFxb+sP2ETm85I0RR11Ngdno6PjN7CvgNR0ix0GQYfge6RDD6OluGYW6e37+tha"
    "OnXX0tGni4kguqDoBMZNy6K7UECnsSW9/dI5WkUtb3pHxnmUV2eDWabb3Yww21j5tSRyyb"
    "NfVT+BPGWLqzK0RiWTZo2rIp2m6R7GtQQ3wP4c8sF04QNR9STNU3YB8qYPVFUgR6LqGp2q"
    "Waou4F43L86wYHP16jmYS8NJMnTrRZS0DOlm4kloKILQiDNfUFgbkfE2kvigGnGNaaJ2sI"
    "xwv86wjFwejaAg9Ih/byQzLdF1b3+vK/FuonweeHSUOKJVPlULqRvcjZQyvK7Vn52BtxXg"
    "f7sS+7cFihiVfcME7jRN95Z4LXlEkixwxqnS85Tdg7wWAWl1SdGSg3V1OVF7rm5+ro48h0"
    "zNC2NmqOzqr7T6pWDE8QB/C4icjzUiNYvobXG1Nodr2qjcZzHNNg/ys5hmLqSQv9Y0Zynt"
    "nt3mWbaFT5/HPEuII/+/qpLIgqIdcshaRULA24eFEE00xcIBv6c+ItNpKGK9fPtElMBhYO"
    "6VT21owswRdk9Q2ZYHXIpnXXLHNMC7gNQi/jjiU0OD5XQTU+V6u49P2dTxmtGmbt8TiNOQ"
    "jcw8rRKKBkE+vThvBuGjKhbho9UW4aOcRViJq9RIY50i6d4msX2bu7anmEGcprEYP45xo8"
    "lfW41tLQ7G2ViHyltxhqp7UB9WM98elplvDwvMt0uBKJXhzpJ1D+/te1fGuTDkv0TMB6EZ"
    "4MXUFvfHcdfxbYMJ5UYBOktk3UO6FuMVceWeAForGorBlPihKMqrVpLGo5h8rWQSbUN/y7"
    "lciR9IkFQsVlF+qLJkKUuULUa3p58SpcvNcAQ5RvqIPmCmkh4nTkRcVWl6a5bnuOE8Htrn"
    "cq15y5Hu3MTNGBW4cObaPGUiZEVTtVoFnBBspAFuaKLuqOfR2UEYxNlweB+SR1EW+Ym1T9"
    "OrnzgM+GDmEKh3bHDCFNK2N1dRMjlcp9yaTYiH5acTfTm4YgnubZw9ucwiT5a14dQfYQ4K"
    "i+LsDUlz/5EsDgMn6lkxncNwGBNIRnw4hKp9CzuJtiL0Ia0C7Gz6Z+o6pFTjFFIu7H24OD"
    "g83D+RuyERIp91qq773PiqFsBsooK31Xiq8KD2IekDlYMuLn+AwvAMckdQJqU8AAUAkFdn"
    "EyoXn2AYAx31MfIovQ+D1cnfUu8BfSITi80C16JjbnVSA3NL2oYmtLZ5pdRt0Vn6OiqrAr"
    "JkFuoKULs4kCNXZxOS/s2xBmuwboeq0ohisdXu/xyZgU/gbrGCE9Btj7IBC4+NaimdYpcI"
    "iTphOueSHKavJmM4jFt/vcfz3/7zwfFCLM/wO+IJkID24pP3HuNAnetTJChdkdmptjsVnt"
    "ZR+VY1kD2u7XHdjl2uNWdI96o4t8akmmw5VcFNCDoI79FxlaUre61WzB+/KcwF+jSH9FVk"
    "Kyw6pJO20kM6tjZWTrkeE0RFd5Uo/EZKwo6UdqVkjL8FTAf8KnE5EYbjfGYcCudhZzRBgo"
    "zui2r9bv8GVVIuYh8QUV+Dj79pl8U4q2JhOkabGPCJCwV3NTFga04OW4m5Xm8c2M4GPLVL"
    "V3fcWyLsIOK1mNBTm/ySKFWWNCdF1WAR5njr3tmcObuRzbIzOXN2IT1rbWA3sFvbZJbbWP"
    "q1GK01xGt5/Vlnv0f47+certfaRW9jlmqOWUqrAXI4l4chL5HaMOR2hyFDaTVnnXleIrXz"
    "3Pp55oEz8wcq4ayJZFJE2wWeoWkhJdafGua6ylB1Afe6VXdxVhsznLNUFufHcbbppZ7F0W"
    "HTS3V2mttiyNUmzV6RHTdq6peacXWn6lZcMvaxe0CkdMzojEORuquzDwfH+++QKiIop1yb"
    "VulM9eVgYKWhAOMquDoXGm63MebjttpnYnddqg8WFwbDCbgTCgvrCY/B1aZZeyx2dr/MZs"
    "RYN5Hq1lOo2mmukfux5aRtOenmv53Ny0k/ESsn5Dy5P5IVXnmL1nKGTvWT96zsmvd+Ds5v"
    "wCGcXpwjic2D+sloOJ5EvBmCGhz8BMWlUpAavo/kOBj7fEKF/DFxfJfe3UmuTDijCdR543"
    "lur+6bVXHZS/lYh0xuetj65D27Yr3PTN/UeCBCq/HdfhxCvJEYAJwiaTOrk5THWuy5EImc"
    "bLvrCJLbt7nCEWHqdpqmafMMtMmZaSqlKo2SAdAZogbdCCST5BFdweo/6EiKhAfybtiZ9h"
    "rBv546peR/8eB2XpjBqSysL0vX2twarQzvS0UsS/alCHffYfNi3GOKZf/feCZ2bIcpQzBy"
    "P0oUE3IZvz//cnr5j2K77/sCd6X3/7g+O7WWsueiK2qJCeXa4fe9AolbXe+XydpC9qhsOR"
    "nJB4UUMA5ilE5fcHTv+LeOj26pbCgyizxOYCDsWgn3qaPOdsDNfrd50/ST5XBe7aK1RNaB"
    "oIamnbO4cERYwJCWpCpOKBqEG04Lj44NUY/JIAHfIGAUDj2VjMulfsWqK3ULvwEjlBFh5L"
    "KVpmlwDqbYJaGpANbz6KyPNCkgPyHjyTrIb7nYr8OVvto0TfcSWYu1az3JbOhQelI1p2HN"
    "oSSS6yTF+/tKyTdN0hm5d2sJizuqF1a1suIPTXLOkOgBkoeDJxGFnA9rLeeta42JwFND+F"
    "Mkbcf/4vIHBTqCZwaXLT6hM472frk6ODyqmg+65g3FahfW4iJ3Qbtg/XCf3TSDnsT0OFuQ"
    "dFDOrt3hCODLw23scHQZDbNjYFd1OEotsjY5HCk3rwLFZ+z+tVrxCR5UFRWfV3SKIS31bE"
    "Jj520fCapcgIA74IEzwu/goiS8FzRAcL++atfprEeOh+CGeR3plse2LuRt2G36JUpUmCpT"
    "M3+apnOQb99TKJBik/x23MHE4QXZmctK9i4RtleT2pM/5oF4h/A0EPMTNHJ8nwq5HYzlXr"
    "GWYFJJn/2qRJ/9Kq/PZtTMYBD3b1SdN72NKpKYqJXcqSpmglLkT6vKcwlfJ8FXmqzBDF/J"
    "lZ1N8QWJr82MYTFBk+5DUtQwXtqSRmf55nMu8PQF3+8jj4wnQpkMHHbfgtUu9zpyV2AtKF"
    "3rC6J2r/ReHOamHjhy/+IqOzu4K6ofkP/1jviET7ALusGK0XDNfBtWJbXOBOyErsLA4WUp"
    "SRkv8veLCH/8eIk9Z4WNIxLpTse4RYXoNhaws3a4gET19zYFKSDXME5HccpsiBtC9SU11u"
    "5uJOV4BZhx6jveIKmVuCFoF9GAF9F4XQUO1F2bYtUxjWBeTQ31UjdfUgDTpRqpq2DFCSo2"
    "BCqVDKMrKNWpGv6FsvuzB6xultMPLxr7ZUpi0MAOMPSr7CPrER/rkkqJ4fgFRxMCQa2gp/"
    "EcMuV9iD4CzY386wEzSM4J15Der2V/F4+IWjNFXrV13KKKHy7cCPoa++Laak3Q1kS1pnv5"
    "8iZKibh/Bw2HR1X0yker9cpHOb2y/PKLUieW+MnFBO3VI7dGaS/wN6OE+XH/DkDbtLNzRz"
    "3m1jX5bb8Aq7Hay6q7WqruemJXx7ZNZ8OuOTHDuaFrDjD759FQOwZ4Vfec1EJrk3tOgvwK"
    "ESyelUckMHg7g0K6AcGjSEDSdeeVmBQ57b5EwyHE7uDh8ET+6TLnTgyHaI9AlGLgOT5YXd"
    "AcCyQfitEH7O73czJYLXe58YdDQV0K/UC1MkezCfaRFD/ZXDsgy5vJsXCAfZcPqOyOCFdB"
    "PPt92UCmgYeVgcgfyyZVy5fhB4Jn6sKNvyd/q4NcEyoHcy0jav/yvkqLIamUBHkge00d+U"
    "qzCfEwOD9LmlsM/ueRlaaPJnIVoFDe0YOH97DD8WCR3244zD4XhhvvzRyi0mGCOYsIeWP1"
    "iODzJAFjQpH4GMs31KJq9OQqDblKQC4H4c5c4j2Zq84AwHDYV2/7P3ikb6PefgT7gufBBZ"
    "gQRkMf2kby/+TG/MYXE0fOA7/Hrnqo0cTxx5gjedM7+RzwJUgilXJSYQZPAr5XfP+dHDSW"
    "shfj3jnEi4xylUXrgKlvVy0ZXXhR/6lkxyyqutnGxLbDnat71XtV4ANsUXJTgLeMPtQ+OB"
    "m66HaOFhvQOo4ANUiONizZhiVn0O6MpO6MRjhIuNss7iVl1zJU7ag/BfczrT+VehHJckgO"
    "iBGn2pZTMk+1FKTCXMrn0XlddRdK03Tg06h7l8+eOlU/hSzVDn8KknHgcT50JQ4BQw6stP"
    "ILa+dXYUOdtxzqnMgEVfeYhKDBDUbJus3sMtvPQ9H9hAiwgZx/vvh09vnsy3WUGyG2CkvR"
    "N0rn2YKwZtBBmJfLylC1fR40+ptH9W8dfGshqtdCxCjVRTKNI33TZC1GuqcYE8K4iFWM75"
    "AnH4opxRnEMo6wv15Glq1PRk7BlpuRRyphFtDbcphttuQpRbABV5r0tyzpMksaq78N0EyT"
    "WECXAY1NDiaKtjRNB1QJTWvZaCiC0Mj5aEHRXrh7ia0qMcApB+MXEDzGZ5j1lWZfVaVTlr"
    "CNlQi1TM7C7mcyQVmq9k5Sa78Jm27oWXBCOCAjQyEkRdJiAeSJDcbpzKauIcALig7aJ2v3"
    "GYs8KTZ0GbvQo+wY1FW9xRYrrNhZbHmH2AKgZ9Ewu7U5VAU0tSdmEJX3R19+/vSpzP9uAX"
    "Uq2mjDULFMeFNHFnGtwWKnmJHRpFfgphi19MucFJ1Fn8ccFFfDsOXUXc8l4GpDwXu1Z9cD"
    "ZrzQeLn65E6RdPDoPjo+rhJRdXy8OqQK2pb0R/KjMkA46t5BdA8rOW4dljhuHeYdt+QdBS"
    "4qSrnaYyJF0ry7xNNIbVtzfjBIjrL9w+yP/wcdnskl"
)
