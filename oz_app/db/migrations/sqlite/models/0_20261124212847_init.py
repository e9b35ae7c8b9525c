from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "environments" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "tenant" VARCHAR(64) /* null for global environments */,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "docker_image" VARCHAR(500) NOT NULL,
    "repos" JSON NOT NULL,
    "setup_commands" JSON NOT NULL,
    "env_vars_sealed" TEXT NOT NULL /* environment variables, encrypted with the secret key */,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
) /* Where a worker runs an agent: an image, repositories, setup commands and secrets. */;
CREATE INDEX IF NOT EXISTS "idx_environment_tenant_412fce" ON "environments" ("tenant", "updated_at");
CREATE TABLE IF NOT EXISTS "runs" (
    "id" VARCHAR(36) NOT NULL PRIMARY KEY,
    "tenant" VARCHAR(64) NOT NULL /* sha256 of the bearer token that created it */,
    "title" VARCHAR(500) NOT NULL,
    "prompt" TEXT NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "agent_config" JSON NOT NULL,
    "environment_id" VARCHAR(32),
    "model_id" VARCHAR(200),
    "status_message" TEXT,
    "error_code" VARCHAR(64),
    "retryable" INT,
    "output" TEXT NOT NULL,
    "artifacts" JSON NOT NULL,
    "session_link" VARCHAR(2000),
    "execution_location" VARCHAR(8) NOT NULL,
    "provider" VARCHAR(100),
    "claimed_by" VARCHAR(200),
    "lease_expires_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "started_at" TIMESTAMP,
    "finished_at" TIMESTAMP
) /* One execution of a prompt by an agent: in-process (LOCAL) or on a worker (REMOTE). */;
CREATE INDEX IF NOT EXISTS "idx_runs_tenant_80b7c2" ON "runs" ("tenant", "created_at");
CREATE INDEX IF NOT EXISTS "idx_runs_state_f49421" ON "runs" ("state", "created_at");
CREATE INDEX IF NOT EXISTS "idx_runs_created_2e3f28" ON "runs" ("created_at", "id");
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztWv9v2jgU/1es/NRKrBqssGo6nUQ77tZTC6eWu02rJsskBiwSO7OdtmjX//3skJDvNE"
    "GFZhk/EZ7fx3Y+78Xv+dk/DIdZ2BYnA3pPOKMOptL4AH4YFDlYPeQ1t4CBXDdq1AKJJrav"
    "jyNFvwFNhOTI1J1OkS2wEllYmJy4kjCqEZ/nmGOAwAPjC8wB96gAiAI0U1180E/EUc8twL"
    "HLBJGMEyxaQGDpucBkjoOopQGWEpkcS3Gih7WYqcYldLazETxKvnsYSjbDUvWvxrn7psSE"
    "WvgRC/33zpCYohVhnmshiS2IpPFNq7kLOCXYthJcE0ur+nIol64vu5gj/oevqd9qAk1mew"
    "6NtN2lnDO6VlcvraXqzTDXA8Zop55tB1YKRat3UALJPbyevBUJLDxFnq2Np9GrGUQyA8Lh"
    "aAxvB2MIjYxhQ0TMEoHIZFQ7BdEuot/fQY/QxnQm5+rvu87TapyIh5WWHvDf/s3Fp/7N0b"
    "vOsR6QKc9aud0waOn4TU9+F0iiVSe+NSKaI6uUpTpCbEV3QOaa7VAlojv6NLbn2x8RTBkH"
    "M5tNkA3Sn2JVS/ROS1iid1poCd2kLREx7/9W4D3Ufxkn3w3tW7p55+3bEuwqrUJ6/bYkv/"
    "GZZWge40eZT3MKtj+2DWNHXG+gdjz4MtY9O0J8t+OMHl33v/hkO8ug5Wo0/DNUj1ng4mp0"
    "niaemSqyQD+OVHHwNK6Bjt4t5ejdDY7ezTq6H6mzRP91OxrmE70GpBi2iCnBf8AmQu7MyX"
    "+betTUJIKJR2xJqDjR4/3+Cs6vCdrs/Gk/15QxIWfc78XvIO38fqIEw0SpilWyyIN5Xtw8"
    "Kg2A94gLKDCycU6KWRwYcqB1XqHimw+g5k308CqTx9TkS1fNDjwQOQcqXQ8yebDAy3KZ0b"
    "4DippduF/I2OujapHEwfk2SyLT31MAPQkf6mO8F4ntl9eD23H/+u+EPT72xwPd0knYIpQe"
    "9VIf1roT8Ply/Anov+DraDhIf2trvfFXQ88JeZJByh4gsuKchOJQlDBzbFtY0cxJ5MHMtT"
    "Oz3uVPF7ENqBZMkLl4QNyCmRbWYUW62San46QliKoU0grY1PMMCjc3HjVy6jla3NpUx9FF"
    "knL1mxHFQDmI6fkxlE0BAi5njivBZBkrsxD6RolNLAQ4uhpd9K+OgdqqKsS6LnN0M7gejQ"
    "fH2QLOboaoVsGJratK605FPvU3ryG5ABPrUPB5puDTK1PwSX++sYJPr3YFn33lO2KOOt2e"
    "/iB0TjPBiCsfl2yBqRIgCQJXBETWo/4jibQr7Y/XgDqboU4b49WyWCXHjxCN4Hjfifo6DJ"
    "R16TWgEXQnXbpdZilvFy/l7V7an/3IrtijUzKrUllI4+pRV9DDNqmuEG62YbVEJous8bHK"
    "Kx9jpTL3ikzHMc3jeCdnKHp99gR01C4it5hfHEmzyCZQvu+AijlnXLFqVYqqSVQTeN91Ls"
    "6x5Ev/1TM0nzNmY0SLTlJiuBTREwX8+ZjewOz5aHSV8PDzy7QL/3N9PlBJjc+8UiLSF18O"
    "xym+mSddr1JmHiEOJ7KVlxHEJZkiU1Y6j0qA6pEyNuooSqjQqKYIbUIXlfZMKVzz1neViJ"
    "TMZTYmM5lsZl01hTYzUf7FkA1RNRe9x9XIr+LuyvuTFjgrQf9ZIfdnOYWYe2JhXoXuOKZ5"
    "Lt4u5eHtDQ7ezvq3aSPiYAtOllWITqKaR/VONkYqJRQY4keXqBV+ixPLPPwLnFvWzBA/+7"
    "Hl4RLCL2fmwyWEX8LMQqrtzVZmTiIPa3adrTwllIj5VmZOQQ92rpuda3KlqI85MedGzq2i"
    "oKW16WIRinSeu1pUbNjnr+5UunNzSQtKcLknJ4RmKkCBo9f3xs1MT+FNp336/vTsXe/0rK"
    "XzcSVaS95v+DjCYmbxDZt7zEXF2kIM0sCT8E63W2YH1u0W78B0W6qmqT6qCgwH6g1kdzel"
    "BEYlzrsmVlwvjkH2Xy1+nUD5YnXhVw1mT/8D7CV6tQ=="
)
