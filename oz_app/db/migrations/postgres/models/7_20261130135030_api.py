from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "run_ancestors" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "run_id" VARCHAR(36) NOT NULL,
    "ancestor_id" VARCHAR(36) NOT NULL,
    "depth" INT NOT NULL,
    CONSTRAINT "uid_run_ancesto_ancesto_c51836" UNIQUE ("ancestor_id", "run_id")
);
COMMENT ON COLUMN "run_ancestors"."depth" IS '1 for the parent';
COMMENT ON TABLE "run_ancestors" IS '``ancestor_id`` is the run''s parent, or its parent''s parent, and so on (CP-11): written';
        CREATE TABLE IF NOT EXISTS "run_labels" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "run_id" VARCHAR(36) NOT NULL,
    "key" VARCHAR(64) NOT NULL,
    "value" VARCHAR(256) NOT NULL,
    CONSTRAINT "uid_run_labels_key_62a492" UNIQUE ("key", "value", "run_id")
);
COMMENT ON TABLE "run_labels" IS 'One metadata pair of a run, for ``metadata[key]=value`` filters (the run keeps them too).';
        CREATE TABLE IF NOT EXISTS "schedules" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "tenant" VARCHAR(64) NOT NULL,
    "name" VARCHAR(500) NOT NULL,
    "cron_schedule" VARCHAR(200) NOT NULL,
    "enabled" BOOL NOT NULL,
    "prompt" TEXT NOT NULL,
    "title" VARCHAR(500) NOT NULL,
    "agent_config" JSONB NOT NULL,
    "agent_uid" VARCHAR(32),
    "labels" JSONB NOT NULL,
    "mode" VARCHAR(16) NOT NULL,
    "next_run_at" TIMESTAMPTZ,
    "last_ran_at" TIMESTAMPTZ,
    "last_spawn_error" TEXT,
    "created_by" VARCHAR(64),
    "updated_by" VARCHAR(64),
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_schedules_enabled_249490" ON "schedules" ("enabled", "next_run_at");
CREATE INDEX IF NOT EXISTS "idx_schedules_tenant_d321ae" ON "schedules" ("tenant", "created_at");
COMMENT ON TABLE "schedules" IS 'A scheduled agent (CP-6): a cron expression and the run it creates at each tick.';
        CREATE TABLE IF NOT EXISTS "stored_files" (
    "id" VARCHAR(36) NOT NULL PRIMARY KEY,
    "tenant" VARCHAR(64),
    "run_id" VARCHAR(36),
    "purpose" VARCHAR(16) NOT NULL,
    "filename" VARCHAR(500) NOT NULL,
    "mime_type" VARCHAR(200) NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "data" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_stored_file_run_id_daf41f" ON "stored_files" ("run_id", "purpose");
COMMENT ON COLUMN "stored_files"."purpose" IS 'artifact, handoff or attachment';
COMMENT ON TABLE "stored_files" IS 'Bytes the API serves through signed links: artifact files, screenshots, handoff attachments.';
        ALTER TABLE "agents" ADD "description" TEXT NOT NULL DEFAULT '';
        ALTER TABLE "agents" ADD "tenant" VARCHAR(64);
        ALTER TABLE "agents" ADD "identity" JSONB NOT NULL DEFAULT '{}';
        ALTER TABLE "agents" ADD "agent_type" VARCHAR(16) NOT NULL DEFAULT 'CUSTOM';
        ALTER TABLE "agents" ADD "secrets_sealed" TEXT NOT NULL DEFAULT '';
        ALTER TABLE "agents" ADD "updated_at" TIMESTAMPTZ;
        ALTER TABLE "agents" ALTER COLUMN "owner_id" DROP NOT NULL;
        UPDATE "agents" SET "tenant" = 'user:' || "owner_id", "updated_at" = "created_at";
        ALTER TABLE "artifacts" ALTER COLUMN "id" TYPE VARCHAR(36) USING "id"::VARCHAR(36);
        ALTER TABLE "artifacts" ADD "data" JSONB NOT NULL DEFAULT '{}';
        ALTER TABLE "artifacts" ADD "public" BOOL NOT NULL DEFAULT False;
        ALTER TABLE "artifacts" ADD "tenant" VARCHAR(64);
        ALTER TABLE "artifacts" ADD "file_id" VARCHAR(36);
        ALTER TABLE "artifacts" ADD "artifact_type" VARCHAR(24) NOT NULL DEFAULT '';
        ALTER TABLE "artifacts" ALTER COLUMN "room_id" DROP NOT NULL;
        ALTER TABLE "runs" ADD "schedule_id" VARCHAR(32);
        ALTER TABLE "runs" ADD "name" VARCHAR(500);
        ALTER TABLE "runs" ADD "skill_spec" VARCHAR(1000);
        ALTER TABLE "runs" ADD "creator" VARCHAR(64);
        ALTER TABLE "runs" ADD "idle_timeout_minutes" INT;
        ALTER TABLE "runs" ADD "source" VARCHAR(24) NOT NULL DEFAULT 'API';
        ALTER TABLE "runs" ADD "labels" JSONB NOT NULL DEFAULT '{}';
        ALTER TABLE "runs" ADD "executor" VARCHAR(64);
        ALTER TABLE "runs" ADD "conversation_id" VARCHAR(36);
        ALTER TABLE "runs" ADD "agent_identity_uid" VARCHAR(32);
        ALTER TABLE "runs" ADD "worker_host" VARCHAR(200);
        ALTER TABLE "runs" ADD "mode" VARCHAR(16) NOT NULL DEFAULT 'normal';
        ALTER TABLE "runs" ADD "parent_run_id" VARCHAR(36);
        COMMENT ON COLUMN agents."identity" IS 'the SDK''s agent settings';
COMMENT ON COLUMN runs."labels" IS 'the run''s metadata, immutable';
        CREATE INDEX IF NOT EXISTS "idx_artifacts_run_id_417233" ON "artifacts" ("run_id", "artifact_type");
        CREATE INDEX IF NOT EXISTS "idx_artifacts_artifac_127126" ON "artifacts" ("artifact_type", "run_id");
        CREATE INDEX IF NOT EXISTS "idx_runs_tenant_b698c8" ON "runs" ("tenant", "updated_at", "id");
        CREATE INDEX IF NOT EXISTS "idx_runs_convers_6f59f4" ON "runs" ("conversation_id");
        ALTER TABLE "runs" ADD "followups_waiting" INT NOT NULL DEFAULT 0;
        ALTER TABLE "runs" ADD "turns" JSONB;
        COMMENT ON COLUMN runs."followups_waiting" IS 'follow-ups sent while it executed';
        COMMENT ON COLUMN runs."turns" IS 'follow-up messages, in order';
        CREATE INDEX IF NOT EXISTS "idx_runs_tenant_e9268d" ON "runs" ("tenant", "skill_spec", "created_at", "id");
        CREATE INDEX IF NOT EXISTS "idx_runs_tenant_9de9e7" ON "runs" ("tenant", "model_id", "created_at", "id");
        CREATE INDEX IF NOT EXISTS "idx_runs_tenant_ea6bfe" ON "runs" ("tenant", "environment_id", "created_at", "id");
        CREATE INDEX IF NOT EXISTS "idx_runs_tenant_810cc3" ON "runs" ("tenant", "name", "created_at", "id");
        CREATE INDEX IF NOT EXISTS "idx_runs_tenant_a6913a" ON "runs" ("tenant", "schedule_id", "created_at", "id");
        CREATE INDEX IF NOT EXISTS "idx_runs_tenant_76d771" ON "runs" ("tenant", "state", "created_at", "id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_runs_tenant_e9268d";
        DROP INDEX IF EXISTS "idx_runs_tenant_9de9e7";
        DROP INDEX IF EXISTS "idx_runs_tenant_ea6bfe";
        DROP INDEX IF EXISTS "idx_runs_tenant_810cc3";
        DROP INDEX IF EXISTS "idx_runs_tenant_a6913a";
        DROP INDEX IF EXISTS "idx_runs_tenant_76d771";
        ALTER TABLE "runs" DROP COLUMN "turns";
        ALTER TABLE "runs" DROP COLUMN "followups_waiting";
        DROP INDEX IF EXISTS "idx_artifacts_artifac_127126";
        DROP INDEX IF EXISTS "idx_artifacts_run_id_417233";
        DROP INDEX IF EXISTS "idx_runs_convers_6f59f4";
        DROP INDEX IF EXISTS "idx_runs_tenant_b698c8";
        ALTER TABLE "runs" DROP COLUMN "schedule_id";
        ALTER TABLE "runs" DROP COLUMN "name";
        ALTER TABLE "runs" DROP COLUMN "skill_spec";
        ALTER TABLE "runs" DROP COLUMN "creator";
        ALTER TABLE "runs" DROP COLUMN "idle_timeout_minutes";
        ALTER TABLE "runs" DROP COLUMN "source";
        ALTER TABLE "runs" DROP COLUMN "labels";
        ALTER TABLE "runs" DROP COLUMN "executor";
        ALTER TABLE "runs" DROP COLUMN "conversation_id";
        ALTER TABLE "runs" DROP COLUMN "agent_identity_uid";
        ALTER TABLE "runs" DROP COLUMN "worker_host";
        ALTER TABLE "runs" DROP COLUMN "mode";
        ALTER TABLE "runs" DROP COLUMN "parent_run_id";
        ALTER TABLE "agents" DROP COLUMN "description";
        ALTER TABLE "agents" DROP COLUMN "tenant";
        ALTER TABLE "agents" DROP COLUMN "identity";
        ALTER TABLE "agents" DROP COLUMN "agent_type";
        ALTER TABLE "agents" DROP COLUMN "secrets_sealed";
        ALTER TABLE "agents" DROP COLUMN "updated_at";
        ALTER TABLE "agents" ALTER COLUMN "owner_id" SET NOT NULL;
        ALTER TABLE "artifacts" ALTER COLUMN "id" TYPE VARCHAR(32) USING "id"::VARCHAR(32);
        ALTER TABLE "artifacts" DROP COLUMN "data";
        ALTER TABLE "artifacts" DROP COLUMN "public";
        ALTER TABLE "artifacts" DROP COLUMN "tenant";
        ALTER TABLE "artifacts" DROP COLUMN "file_id";
        ALTER TABLE "artifacts" DROP COLUMN "artifact_type";
        ALTER TABLE "artifacts" ALTER COLUMN "room_id" SET NOT NULL;
        DROP TABLE IF EXISTS "schedules";
        DROP TABLE IF EXISTS "run_labels";
        DROP TABLE IF EXISTS "run_ancestors";
        DROP TABLE IF EXISTS "stored_files";"""


MODELS_STATE = (
    "eJztXW1z2ziS/iso3YfYV3IudmJP1pmbKjvxzHoniX22Z2dn4xQFibCEMklwCNCKdjf//d"
    "Dgi0iRoklZpCgaXxKLQIPk0yDQb+j+d89mJrH4y5MxcUTvGP2752CbyD/SDX3Uw647vwwX"
    "BB5aqieGLuoSHnLh4REMdIctTuQlk/CRR11BmQN9Txx0co4UxTHCaMq8e+7iEUE+J94Ljn"
    "YGAzZ1iDcY7CLmISy7X54jQRzsCNlMTUlIxQztvL/c2z/YfYeYQ5B6kj48gMlG8gmoM675"
    "XrcOZ0CgBkc2NgmiDhITgn47R5TLO0A3dOcxW129/vCr7G6qv5n8x0NTPEMe8x3zJTp7IJ"
    "78QVxrhqi4dcb0gXAYBSPPdxC7U2Qj5giPWci1sENewsv6Dv3TJ4ZgYwJDylf+8qWn3gha"
    "FR+/fpV/Ucck3wiHdvjp3ht3lFhmitvUBBp13RAzV117P8Hez6onIDs0RszybWfe252JCX"
    "Pi7hJ4uCoRIR4WxExMAse3rHC2RJeCh5cXhOeT+CHN+QWT3GHfgqkE1METzK/1DOPzxY1x"
    "fXZjGL3MNIsoErMhvCRRhClKYcLC+9v4m2ERZywm8ufrg+/BfeY4BL3ghn8/uXr/15Ornd"
    "cHu3BDJud5MP0/hy0Hqum7GgILHAyiUJ/DHEyuKlDPKVaCOwQzRjvqMod7/qE2jvfRmxJ4"
    "H71Zijc0Ad5zfNX3GEBUAeM01XqmdRmge+9/u765+NRrBOz9oxJg7x8tBRua0mAnHyuD9g"
    "35JvLRXiBrEO66gC4A9ubsHzcwss35n1YS0J1PJ/9QWNuzsOXjxedfou4JBrz/eHG6AHy0"
    "M2VR/9v1xedlS/acZgFyk44E+g+yKBe1Qf/jne+MAFc09KklqMNfwm1/qsiSXriZyu052H"
    "o5EXKwMV/c/CszCpArZtQiTwBIxsXYU6OoARYZxcnII4IbnGCL5Oywyz+SLKX+Tip/J75r"
    "AjQGztlxP8gWQW2SD3+acvF7CUlfRn9s3z5cxInzT2fXNyefLlPs+HBycwYtBylWRFd3Fr"
    "eNeBD0+/nNXxH8RP+8+Hy2+NHE/W7+2YNnwr5ghsOmBjaTmESXo0spLqv/K+z2Uf/mPqgt"
    "FqgkbMyrgm5M0OB69V+Ho6Ph6FUzctS6lITEdj7KE6AKtK9R45ITt7EnJWQ2awbj9c9jCa"
    "ZDOK8Cc4KkQaSjP7cUZ2UeqoJyTNAB+SYN7sGrVyXQlb2Wwqva0vgS54F6zLFBYa1ms8lS"
    "ds+gsP61mc+4ILbhesx2c6TIAgF+kbAD87tp+d0jUlakgnk5mu7yiZ6m6gDsmWWl5LpSuL"
    "BkVhYusPArbZBzigZBpqZFqhoNgKYPtnRHwgymfuJ5gZC6eSOaVPNX1FHTlGvQUdum23RJ"
    "SVVumYo7dpJG79X5ezU4tO7uc30tsScsjffPzCN07PxKZgr1c/mI2BnlWQRCD+hvnGwh2N"
    "+j2RRdnT+ih6exBzA1yeS7yzcmIpiXJ9fvTz6c9RTEQzy6n2LPNFJYQws7YAtX4r7ZJvvA"
    "zmWVx5ids/V8ws7shsG/JVl1JcdZZaHbqA+ygFPqtYwFj3z0kh6x1PofNxN7SLwARuYpDt"
    "yTWQxvyOOYO2Fb4PsK2sTEY/54EpEYiRFzp4a8biShhqdW08XGjhzXDF/5e38eTeDSG3ZP"
    "nF5epEHU1i8MNnCpIaBb2YADNCTYIx5SREgio7zp4OnfuT57v/dmF2IDwogAV74tc7AVdO"
    "6DqLDjMNW6K3vNfbHpOIO13+LWCYaCYbBpUwdRzn1ivkQXjgoS4IhP8MHhEUQJcCnqyqZe"
    "PzciQAcAtCsAAPhqTDCfVIE7TdU52NdvhtI+gbnKUkpd3C/QFvezyqLWWh7bzjuhtViYC0"
    "NuTaswepFWO1HbzGmQPyqqpwkSrZ1W1k59rpXTR5XTxBRrWDct1mI8Qe8CrSOrxURtxVpM"
    "2Ku0EgNRv33kyudAHpE85KKP7iiYNWVHIrWhCROgS3jkjnhETpkoeNiDP6Qyh1yPmf6ImE"
    "E48+vdlzl6TE13eVwt+dKTw4ScjrAJprrs+GXhEsySoPdXrc4ULmJlrNWvl1urXx/peOYN"
    "xzMvTvzSIc2LhN3zg5UB+2A52AcZsGGWZzFeHlIb9d/ecNp1iLq1BM7CplNRHE2QdG9lWd"
    "dKPkfY9YcWHWUBPmXMItjJx3hOtADxUFLVNdnjK83O69OLi4+peX16vhiy8Nun07OrnX2F"
    "uuxEA+H0/PPNAtb38vWqTOWof5utUb25rGiEsiKIgRJy3yZZI/lmnOuCCqvSthkTtBn6Fd"
    "eQw1KGwMMCQ+Bh1hDoe5Wi/cLu3RNGagrKgUOfJE/AXh54liDpAMyNh5zFamjpcLOYQosd"
    "j4sd2nGw0lTfNnOyCh+o+B3NSTr4IdVtTvbCoJAnmpNLBtC0DOuy5uTEFGuTOflsHpnfy7"
    "EoJ5v7RUblRIR/Sbvy7xPikTA1BvHAlMvjrBbH8Be15d99FIdUU8L7cObWd9GI2fKNTK7y"
    "WoTHVbM25VruUMaePLczJs5yanvxpsNfumkvVndUgV9jiw2xhRY/xc1bknVETL0Hs3QyjA"
    "1pbPKJ7sFLDPtIlQm+SNfBiV6LxUft1FXcJDFBO/wkcL/O+EmUoGREglIVrmQpNXvWzh4p"
    "BhgP2FslAUwOaZtXqKTygeRzU7i9lOSJM/Jmrnw6NKViogLaA0kewfmDVm4o2kS1Eiu2zU"
    "TVouRAms3rZXPGTrYZu84vOLROZEw6YUu/yJozVn3Kp1UN8qFhfk/AWPIg55sVXOMIC8Qg"
    "WG/n9+u9w91jWIWppxKOUsLRCHveTF6jkPL0HZpOwoNHEMCdsefUdaNbZ4K53C1MYvZDMu"
    "zwqQQAjRkCfiDB0GBgEWwOBuFdBgOJGpVPQOS1sqGG2gS0WRMQcLCiayBB0moZSB3XU1+H"
    "mODwE1nF+rP+NCYmcUXOibNzZ6lZIuy/gDd1alMG6pziY3iIvYP9Nz+8efv66M3bPswpeS"
    "m+8kMB4Nl4nnjVySJaGD6VotMRVBUiqLRM3llhbcNu47axs9N+47aBveWO43PnIVgxMwpG"
    "2FKoYFDVp/QJJOaQPZ8TxOXE2PNdZFHnXrlyVX4CVQJBZTvYzz1ZVJFai/ER8GGeh7AIBM"
    "D2gge5I1aRLNflV1wu3nusWsRt1L9Bz1eQ1qQuG3Ma8Lcl8H67FO63y8LnhpUy4qWp9DZZ"
    "QmHSAuezEDjJN5fK4VZgc5pSs7nVbFZpKKqtmQmSFgcetUut2IwU/JGNqXMiBIFEuzmycK"
    "q9UCK2oKf8olXXkoLxhSOlMjbek1JsSNhHI+Y74PIckjupSCnBzcWcT5lnQsKu0YSMwHiu"
    "BN6jHHF5TWOWCZMMvbCVYyNP6Xip8TBXps6xHIafSHst44HZ8C8HB69f/3Dw6vXR28M3P/"
    "xw+PZVbD/MNhUZEk/PfwHLVuqbikxdywXqkEOlzw6S1gt5Kq3H8Y/wgj+p1BGmKX+OLKr8"
    "SvIH4fynVbSbWgL7qosGWiRoqUjQkg3rk5zfeJxrt4maCrcpO+hUYYMagTsqJHuJIh/uCx"
    "4VneSqtCVkctm5vtnb3z1GU6CgAnE8C+LvJ2yqfosgIt8jubtWHTe6daRGZc5raSrqwSA4"
    "dwd+X3Qu5LhTBw0GkJKcDAZwo7BmpumPBPNe8GPZKj8iH1zFaGeKKZQNg5DtW2futgszd4"
    "K5r48cpm41I2K3r4aWj2FLIqCHDJzQCKU+5beoynnuKsc1PIUpX3Iw6N86g8Edppa6pRx6"
    "MBiBFdUKL4ALO3p7zO852HiC2qChNx084kMiRzQpd7GQW7z5EgYJDngOBreOqhEaZBSVGI"
    "dPH1QeACsR+Sb68TsBA8KLges9egdLlRtlkleOuv2tkyo1inY8YjOhcJerFYIJWSGtT2gY"
    "hmQ9kMlHMQguRA1x/lktf7RT/pCr6IR5RtUcBgtkrZdH+vMlIPiAVhFA1mztCzGsenRjga"
    "zN0K+ov9ZVOLaa7yBJo20EJWyqOpnBcvm5jkjmeLMtO6NjgiYLnklhqSLgiqaPYomsjwIx"
    "q49iAWuV1Xv9+Wd0Nol6s0lsQVjbq4pT+5U6RuoS5lrkXXxUOgyGBZUlvhQqUyYhLilbzG"
    "jNgXAqwjHXsF4knyepVmJEQ4d6QW0KdVmpMTEOvxx1WikIfg4KPdBQua3EgUZk+jmfgljy"
    "iktRiqjFq5HiU/Cw8H3MORJFkK+yF6xf+pEyjpeTXrLgBFhE0F7Jp6fsF0nzQlDvEKy4HO"
    "0ow0oUxa8YRMzdctzQh75as4lvu9VXB5jqAFMdYLqSp+IzE/SOjnD42hl3Raq9X+SzcBI9"
    "y59po86QfUNS6PJmStoKqmj15b8+tuQGz0EOHs5imTgn8nTFQcrYtuMCg+Cf0LmFNn2wTO"
    "ecq1uE1el0606uMmRmjjK9XEeI+rdXRWitcVQt2hmoC8/vRST66J4+uqc1qxYUuG4bQ7td"
    "4bptaJdVrjZY4rpQu7oMSwFfeuyBmvmZQjJ9+kVaVlRc2HDD7uXri4UEyqUA+hGY8GIbN6"
    "TjgAArlb6VQQliFWd8sPsOgpemFK4+AA0SBNtqjPDAGpevA6mecquNNXHPHEUuoblBtOzX"
    "53mysLV6XPcCnleE+k0ZBePNcv3iTUa9UOhUwDbq30FwaymLrJbkKgDHBB1Q4BqIxR9iTo"
    "yKJWeSNF1EuZa6M9ilhlxYV8hbmaXsAOhN2yZsPjYsatMclXlpVEWKprXxLVWDn9cWqiIF"
    "RlNqtJzAmYCcTLlLcc0SanAzNh6LGiO7knicIOnAAtFQNTCJGfbGObO3III2QdMBoHVcSG"
    "vk6S5ZL3Uy4GfBZm2k1kZqbaSuZqQOjbRXUv710vbQ/B79QgN1Vbu0su3GhuLAPoyFOrcK"
    "6ynauSYCTvJy5Ko6YkE+uZPL8913aDC4+KdxeXXx9/MPZ1fGj7+e/fGT8d+DQWg7dhBGIw"
    "vzSZ5puqnbPiHP3SbNpC2yR6/LSFpQs0wbTbXRVBtNO4WyNpp2T1XXRlNtNN0mcLXRVBtN"
    "u7kSa6PpSqzYNmuaNpp2ls0Ze95mjU/XWPje0lNoOb36ZYxQBo8JqsdJBhWe1OFmYqI3B3"
    "85Rh65g6zBKn4R6qLNUFC8HPmOoBYaDNT/kD7u8mrvdW6ZhHUPr+1L6TQBEb4vOPrTZwKX"
    "r0JamyFkueFJ8bPy0hoR6VVVr6r5q+r/wcz/jZO8tTRuK1xB1bdjyNWoQg7SeGkbYcuK01"
    "njseQuFyqKGxYzSBXKLEvOgr1Ahwy/02VL5tpGvnVunQuIModBOOLyK7KQHEAOHAajh1TY"
    "g+ByVxwjZoXB6ypNKQpcNvLGQe5RBxJtQmbu4HlKnyoOnhZ669zc7cij85xC1du6SybcMf"
    "H3UdohE1O0GfkVzSY1pMLUCc+1wLFWgUMlb8kRNqKkLssFDUjQUFo3k8yTahFXCh0aEjGF"
    "3NlBJj2VWTxIq92XG7mYqOzXQyZfLWjyBL2Tw/M8pWxt4+qqdm2IVSra0KumWu5wjuVafN"
    "HJJ8vAvNwev0CmTfKVTfIuBttRjq5QlO9iTqQzXlTIeMHlcgGrfFijs+xaskC2loRELVq8"
    "1y+oajdTZwVXHbStg7Y3//nUGrSdULgjJSEnRuE0pP351yti4SUCUAj2STjOCvtES/FOrQ"
    "NBBuGngvSLGqVDczIdAxeWBnsiSIkyZF1ESUC5rSdCdCPH6BI+T7T/JKcgVFfPQfcTdmY3"
    "DP4tuXmcjMlqUYIblXoL9g71XsaCESx+Sw/mnBRKk/lMAxiZp3gAVvjjdNmhmD9hm6IJ28"
    "TEY/54El02EozJ3avkdSOD9Pdiw56fG5ABl/uFZj2/bMQF+PckE0e+Mr6xO6h3F6SYT2Ts"
    "PUbU2ZOXR3LZQjsfL96ffNyFQl7qsM2UeffEQztXZ58ubs6WuBDXf4tqrr60QpIplpdoVg"
    "353efDpeOrovakHdPIEuXdLXf0YBoHk+yxvsR5oB5z7PmUfYwiMqk91o9DPUTfIiWH5ffU"
    "sgzuklF+b215baJ0T8Epq4669cCsc3B4FOWmGxLsQXgXWHmCIK9wKqLgDMLmrSo6yXPdSZ"
    "6D3aWK/XtO0QmMmzZ+b0MdvObOcK69yl0gkMqb3tFxFuW/XV98XhI2sEC3aIelI4H+gyzK"
    "azsq1PvxzndGgV/Xp5agDn8Jt/2p1/zMB5yKZ/7iJO+nba0wwOLMz4pfZT+BLKWukPB4hY"
    "SkaFzpOHNnMa7FjQzrs88Ne26mKruTZim7AHnTGyrxPOZJVM1Ku2qaqgu41y2Le0R4M/Xq"
    "GZgfKVSRoFvNd98ypJvx3DNfuH4lyXxOoYNSKi8jseOrktSYJGqHyAj364zIyOXWCAZCiz"
    "r3lXSmBbrure91nVCPjc+Gxea19ErvqrnUDa5Gyhhe1+xPc+BtCfjfLsX+bY4hJi6qURbu"
    "JE33pngtJzbi87aVMz1lKbsHeS0KEhaC2G7FjTVBo/fVte+rIwtTO657X/YLSFPp2V9q9k"
    "vFiBODfHOp5McK4aF59GsIEm0ZI7oUI6pDgZ8Fm3XGmWfBZi6kkr8Sm9OUes1uM5fvqEP5"
    "ZCU2L5BqPreZzxLiMP6vrCYyp2iHHrKKS1glUvB85wVHNhEY4p76iNq2LyK7fPtUFBd74O"
    "6VT13RhZkh7J6isq4IuITMuhCOWQHvHFKN+OOI2xUdlvZTXJWrrT4O82xsNWNNXX8kEGe+"
    "N6oWaRVTNAjyyeV5MwgflPEIHyz3CB/kn3lllSzWCZLuLRLr97kH/pRqECdpNMaPY9xomo"
    "1WY1tLgHH6rEPppThF1T2o98u5b/eL3Lf7Oe7bhYMopeFOk3UP7/VHV0Yn3+S/VMwMvxrg"
    "+dQa98dxD863GRPGKx3QWSDrHtK1OK+oKdcEsFoxXxg2dXxBqlTeWEa+Uv2NtqG/5gocwv"
    "ecSoapmOBJdqlmUO3dMcti0z3fRVFWgD6iDmJeGL3SPvtT8MS+y40pplBer8K8z6VtbdGZ"
    "OXM44nJDQtMJtQiiIjyJHGTdauaLyKSBWZ6z5IlJAh47S37ijAgHNSr/THnc3H/kbLmBw5"
    "4lD5kPBhGBFA8GA8jaPLfeBrbNPhz2htyOwc/EdUjzyBkcBN95f7m3v797jKYeFSLI4pU6"
    "aV7TfW4dJoeVU0gdKVXjqcTTgWe7D1QYXV59kIPJwTEsAVL2BFAAAHl1OmFy8gmPEKBjDk"
    "EWY/e+u+wg+5de4j2gT2j4/bpwwr3SmWqdtRramshaXd2+/0TDftt85XXbmRe+jtIKSppM"
    "Q10CapO4cuTyYkLcvznRYAXRbV8VeVGp2NXq/xyFgY/gBF4iCQRtj4oBcz9yuUQzkaNWok"
    "69IBOMHKavmDEYRK1f7sns6/8+YMsncg+/o5YgHkc70c57T4ir9nUbCcaW5Jup7U65u3WY"
    "vl8NpLdrvV23Y5VrzR7SvSoerXH0xEtOWXBjgg7Ce3BYZurKXsvNhYdHuYlbN7NJX4cejL"
    "xNOm4r3KQjH0jpEg8RQVh0QanCR1ITxlLblZox+eZ6wTFEpS7HynCUZYkjLBDBowkSdHSf"
    "V+th/TcokwiOOICI+hqgbJQKpIpyveUmidPpyjZcKKKr6cpas3PoShz1xgjAcmbwxCpdPp"
    "xogbCDiNfi2Ess8guqVFEqjwRVg0U4oqV7azN5bEeOvc5k8tiGpJG1gd3Aaq1T7K1j6tfi"
    "tA4gXikWSYcgPSJ/P/dDRK2d9PokRc0nKZJmgAzOxYcjF0j14ch2H47kkll4FT4vkGo+t5"
    "7P3MVTx1BpMKtoJnm0XZAZmlZSIvtpxQw8Kaou4F636S7KtVEN5zSVxvlxnHXSm2exdeik"
    "N51lc1scuYFLs5fnxw2b+oVu3KBTeS8uHTvE3KNSO/bYlEPprOuz93uHu++QKksmWR64Vt"
    "lU9eXgYGW+AOcqhDrnOm7XMebjvtpn4nddqFoUlSsiMbgTBhNrg9vgctes3hY7u16mz+mv"
    "mt5x7YkdNZtrlH545eLfCZIO+qZrr/3tc136+/HS34lJVrXyd62inJB8Mn+mS6Ly5q3FAp"
    "3qJ+9ZOjTvdAbBbyAhnFyeI4nNg/qpKtCGshmCygD8GEUFHJAavo/kOIQ4fMKE/DHBjsnu"
    "7qRUJvBoAtWneFbaq/tmZUL2EjHWvicXPaJj8p5dCdFnZm9q/CBCq/Fd/zmEaCGpAHCCpM"
    "2iTly0Z77mwknkeNldRZFcv88VtoiqYadJmjZzoE3BTLbUqgKUKgCdImowjEAKSRYN6ur8"
    "DxtJlXBP3o1gu9cI/vVUT6T/IsZwlptXpuhYX5qutbk1Wnm8L3FiWYovebg72Jvl4x5RLM"
    "b/RpzYshWmCMEw/Cg2TMhpfHr++eTqj3y/72lOuNLpHzdnJ9pT9lxsRS1xodxgft/L0bjV"
    "9X6Rri1kj9Kek5F8UEgBg5HHmP2Co3vsDLGDhkw25LlFHifQPo822OP6RXrtFgTXb7dEmn"
    "yyDM7LA7MWyDpwlKHpkKygHHeVuT2naBBu2CMsNq6IekQGafcM12Ow1akUXCZzSlaAqFvl"
    "dT3KPCoqBWolaRrkgU1M6ldVu3oWm/ZRQArIT+h4sgryay48irmyUldNGbxA1mKbWk+KGM"
    "EBelo2k2HNB0ikrEnz1/el+m6SpDPa7tqSp2qdaqVddBt0Kh19+OzYDNphVefOnKSDekbt"
    "YRYAXxbuymEWV+EwWwZ22TCLxCRrU5iFCm7JMfdEQS/LzT0QN1LS3HPNbALJeKcTFoWsOk"
    "gwFfgAufW5i0fkHVyUhPeCuQju11ftQRLfEbYQ3DBrGVrz2NqI1IbVpl9gRAJWVXVuJmk6"
    "B/n64yNcqZ/Jb8c0Jpjn5KQtKp+4QNheS1JP/pi54h0ititmx2iEHYcJuRyM5VqxkqZXyp"
    "73usCe9zprz/NYNYNp1L9Rc4Y9DOswVFGrTVuVcEAJ8s2aMkzKV0lrlCRrMK9RfGVrExtp"
    "tXsVBmyFPlbBlbmQfobnRXKEhD//ekUsvMSOFYqtJ2OyjfWAlikRaVurSw11funJILn0Bs"
    "bpKE5yG6d3YaTTU6H6nBhrexeSYrxcqccxB1vg2Xmgpvz1RNAuwwEvw/G6Chyo9E/FqmNW"
    "j7RPNDxN+0SIEid3u4JSnRadE+LR0aSXY9MJW/pFVh087/OYWWc5DGs2ojyX8gxP9GgtN5"
    "k8yAU512NYkL5+TtJBm/jB4WGZaOTDw4IE9ocZX7j8qCogHHbvILr7ZcsTF1UnzuSIYY4g"
    "eYeilidOTJA0nzlxM+rh2nIkbjQa9fv/A95wSJY="
)
