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
        CREATE INDEX IF NOT EXISTS "idx_runs_parent__5610bd" ON "runs" ("parent_run_id");
        CREATE INDEX IF NOT EXISTS "idx_runs_skill_s_882833" ON "runs" ("skill_spec", "created_at");
        CREATE INDEX IF NOT EXISTS "idx_runs_schedul_74955f" ON "runs" ("schedule_id", "created_at");
        CREATE INDEX IF NOT EXISTS "idx_runs_convers_6f59f4" ON "runs" ("conversation_id");
        CREATE INDEX IF NOT EXISTS "idx_runs_name_bde534" ON "runs" ("name", "created_at");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_artifacts_artifac_127126";
        DROP INDEX IF EXISTS "idx_artifacts_run_id_417233";
        DROP INDEX IF EXISTS "idx_runs_name_bde534";
        DROP INDEX IF EXISTS "idx_runs_convers_6f59f4";
        DROP INDEX IF EXISTS "idx_runs_schedul_74955f";
        DROP INDEX IF EXISTS "idx_runs_skill_s_882833";
        DROP INDEX IF EXISTS "idx_runs_parent__5610bd";
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
    "eJztXW1z2ziS/iso3YfYV3IutmNP1pmbKjvjmfVOEvtsz87OxlMUJMISyhTAIUgr2t3890"
    "ODL+KbaFIWKYrGl8Qi0CD5AAS6n240/t2bcpNY4vXpmDC3d4L+3WN4SuQfyYI+6mHbXlyG"
    "Cy4eWqomhirqEh4K18EjaOgeW4LISyYRI4faLuUM6p4ydHqBlMQJwmjGnQdh4xFBniDOK4"
    "F2BgM+Y8QZDHYRdxCW1a8ukEsYZq4spqYUpO4c7Xy42ts/2H2POCNIPUkfHsDkI/kElI1r"
    "vtcdExwEVONoik2CKEPuhKBfLxAV8g5QDd07fKqu3vz4i6xuqr+5/MdBMzxHDveY+RqdPx"
    "JH/iC2NUfUvWNj+kgEtIKR4zHE75XYiDPX4RayLczIa3hZj9E/PWK4fEygSfnKX7701BtB"
    "qerHP/6Qf1Fmkq9EQDn8tB+Me0osM9Hb1AQZdd1w57a69mGCnZ9UTUB2aIy45U3ZorY9dy"
    "ecRdUl8HBVIkIc7BIzNgiYZ1nBaAkv+Q8vL7iOR6KHNBcXTHKPPQuGEkj7T7C41jOMz5e3"
    "xs35rWH0MsMslIiNhuCSRBGGKIUBC+8/xV8Ni7CxO5E/Dw+++fdZ4ODXghv+/fT6w19Pr3"
    "cOD3bhhlyOc3/4fw5KDlTRN9UEdrHfiEJ9AbM/uKpAvZBYCe4AzAjtsMoC7sWH2jjex29L"
    "4H38dineUAR4L/BV36MPUQWMk1LrGdZlgO59+PXm9vJTrxGw949LgL1/vBRsKEqCHX+sDN"
    "q35Kubj3ZKrEG46wK6ANjb83/cQstTIf604oDufDr9h8J6Og9KPl5+/jmsHuuADx8vz1LA"
    "hytTFvW/3Vx+XjZlL2RSkJt05KL/IIsKtzbov7/32AhwRUOPWi5l4jXc9oeKXdILFlO5PP"
    "tLryCubGws0ot/5Y4C5Io7Kt0nACQX7thRragG0h0lyMghrjAEwRbJWWGXfyRZSf2dVP5O"
    "PNsEaAycs+L+KEtcOiX58Ccl099LIPo6/GP71uGinrj4dH5ze/rpKtEdP57enkPJQaIrwq"
    "s76WUjagT9dnH7VwQ/0T8vP5+nP5qo3u0/e/BM2HO5wfjMwGYck/ByeCnRy+r/Cqt9WL+5"
    "D2qLFSoJG3eqoBsJNDhf/dfR6Hg4etOMHrUuIyG2nI/yFKgC62vUuOYkptiRGjKfN4Px+s"
    "exBJMRIarAHBNpEOnwzy3FWdFDVVCOBDqg3yTBPXjzpgS6stZSeFVZEl/CHqnD2RQM1mqc"
    "TVaye4TC+udmMRcumRq2w6d2jhZZoMCnBTswvpvW3x0idUXqcifH0l0+0JNSHYA9M62UnF"
    "cKJ5bMzCJc7HqVFsiFRIMgU9MiVUkDkOkDl84kzED1E8fxldTNk2jSzF/RRk1KrsFGbZtt"
    "0yUjVbllKq7YcRm9Vuev1eDQun/I9bVEnrAk3j9xh9Ax+4XMFeoX8hExG+UxAoEH9FdBth"
    "Dsb+FoCq8uHtHBs8gDmBhk8t3lGxPXH5enNx9OfzzvKYiHePQww45pJLCGEn7AU1eiutmi"
    "6cE0t6sczqc5S88nzOa3HP4t2VXXsp1VJrqN+iALekq9lpHyyIcv6RBLzf9RMZkOiePDyB"
    "3VAw9kHsEb9HHUO0GZ7/vyy9yJw73xJBQxYi3mDg153YhDDU+thssUM9muGbzyt/4imsCm"
    "t/yBsF5epEFY1i8MNrCp4UK1sgEHaEiwQxykhJBERnnTwdO/c3P+Ye/tLsQGBBEBtnxbzr"
    "DlV+6DqrDDuCrdlbUWvthknMHab3HH/KagGWxOKUNUCI+Yr9ElU0ECAokJPjg6higBIVVd"
    "WdTr50YE6ACAdgUAQL8aEywmVeBOSnUO9vXTUNonsDBZSpmL+wXW4n7WWNRWy1PLeSesFg"
    "sL15BL0yodnZbVTtQ29zToHxXN05iItk4rW6ee0Mbpk8ZpbIg1bJsWWzGOS+99qyNrxYRl"
    "xVZMUKu0EQNRv31ky+dADpF9KNw+uqdAa8qKRFpDE+6CLeGQe+IQOWTC4GEH/pDGHLIdbn"
    "ojYvrhzIe7r3PsmJru8rRZ8qUnmwl6OsTGH+qy4pfUJRglfu0/tDlTOImVYasPl7PVh8c6"
    "nnnD8czpgV86pDkt2D0/WBmwD5aDfZABG0Z5FuPlIbVh/e0Np12HqltL4CwsOhXV0ZhI92"
    "aWdc3kC4Rtb2jRURbgM84tglk+xguhFMRDKVXXYI+uNDuuzy4vPybG9dlFOmTh109n59c7"
    "+wp1WYn6yunF59sU1g/y9aoM5bB+m9mo3kJXNAJdEdRACbk3JVmSfDPOdZe6VqVlMxJoM/"
    "QrziFHpYjAowIi8ChLBHpOpWi/oHr3lJGagnJg0yfJU7CXB57FRDoAc+MhZ5EZWjrcLJLQ"
    "asfTaod2HKw01LeNTlbhAxW/o4VIBz+kuulkJwgKeSadXDKApmVYl6WTY0OsTXTy+SIyv5"
    "fDKMeL+0WkcizCvySv/NuEOCRIjUEcoHJFlNXiBP6iU/l3H0Uh1ZSIPuy59Ww04lP5RqZQ"
    "eS2C7apZTrmWO5Thkxc8Y2wvp+aLNx3+0k2+WN1RBX6NLT7EFkp/iptnknVETL0bs3QyjA"
    "1ZbPKJHsBLDOtIlQGeluvgQK+F8VErdRU3SSTQDj8J3K8zfhKlKBmholSlV7KSunvW3j1S"
    "DTAesbNKApgc0TbPUHHjA8nnpnB7qckTNnLmtnw6NKPuRAW0+5o8gv0HrVxQNEW1UldsG0"
    "XVouRAupvX280ZnmwzvM7POGAnMpROUNIvYnPGqk75tKp+PjQsHgiQJY9yvFn+NYGwizgE"
    "6+38drN3tHsCszB1VMJRSgQaYceZy2sUUp6+R7NJsPEIArgzfE5dN7pjEyzkamESsx+IYS"
    "ZmEgA05gj6A7kcDQYWweZgENxlMJCoUfkERF4rG2qoKaDNUkDQgxVdAzGRVutAarue+jrc"
    "CQ4+kVXYn/WnMTGJ7ebsOLtgS2mJoH4Kb8pqMwbqHOJjeIi9g/233719d3j89l0fxpS8FF"
    "35rgDwbDxPNOtkES0Mn0rI6QiqChFUWifvrLK2Ybdx27qz037jtoG95Y7jC/boz5gZAyMo"
    "KTQwqKpTegcSZ2TPEwQJOTD2PBtZlD0oV67KT6COQFDZDvZzdxZVlNZqfAh8kOchOAQCYH"
    "sl/NwRq2iW6/IrLlfvHV4t4jas36Dny09rUhfHnAT8XQm83y2F+92y8LlhpYx4SSm9TJYw"
    "mLTC+SIUTvLVprK5Fbo5Kam7udXdrNJQVJszYyItDjxql1mxGS34Ix9Tduq6BBLt5ujCif"
    "JCjdiCmvKLVlVLKsaXTGplfLwntdhAsI9G3GPg8hySe2lIKcXNxkLMuGNCwq7RhIyAPFcK"
    "73GOurymNsuESQZe2MqxkWd0vJQ8zNWpc5jD4BNpLzPu04Z/OTg4PPzu4M3h8bujt999d/"
    "TuTcQfZouKiMSzi5+B2Up8UyHVtVyhDnqo9N5B0nolT6X1OPkeXvAHlTrCNOXPkUWVX0n+"
    "IEL8sIp1U0tgX3XVQKsELVUJWrJgfZLjG49zeZuwqHCZmvqVKixQI3BHBWKvUejDfSXCQy"
    "eFOtoSMrns3Nzu7e+eoBlIUBcJPPfj7yd8pn67fkS+Q3JXrTpudMekRWUuztJU0oOBv+8O"
    "/L7owpXtzhgaDCAlORkM4EbBmZmmN3K580qcyFL5EXngKkY7M0zh2DAI2b5jC7ddkLkT6L"
    "4+Ylzdak7c3b5qWj7GVAqBPGTghEI46lN+i+o4z13luIanMOVLDgb9OzYY3GNqqVvKpgeD"
    "EbCoVnABXNjh22PxIIDj8c8GDbzp4BEfEtmiSYWNXbnEm6+hEX+D52Bwx9QZoX5GUYlx8P"
    "T+yQPAEpGvbj96J+iA4KLveg/fwVLHjXLZV0zd/o4ljhpFOw6ZclfhLmcrBAOyQlqfgBiG"
    "ZD2QyUd1EFwIC6L8s1r/aKf+IWfRCXeMqjkMUmKt10f6iynA/4BWUUDWzPYFGFbdupESaz"
    "P0K9qvdR0cW813EJfRHEEJTlUnM1iuP9cRyRwttmVHdCTQ5IFnUlmqCLiS6aNII+sjX83q"
    "o0jBWmX2Xn/+GZ1Not5sElsQ1vam4tB+o7aR2oTbFnkfbZUOgmHBZIkuBcaUSYhNyh5mtO"
    "ZAOBXhmEusF+nncamVOqKhTb1gNgW2rLSYuIBfTO1W8oOf/YMeaGDcVuqBRnT6RT/5seQV"
    "p6KEUItnI9VP/sPC97HokTCCfJW1YP3aj9RxnJz0kgU7wEKB9mo+PcVfxOkF/7xDYHEF2l"
    "HEShjFrzqImLvlekNv+mrNIr7trK8OMNUBpjrAdCVPxWfu0ns6wsFrZ9wVifJ+kc+CxWqW"
    "39NG2ZB/RVLpcuZK2/JP0erLfz1syQVegB48nEc6cU7k6YqNlOG2owMGwT+hcwttemOZzj"
    "lXtwqr0+nWnVxlyM0cY3q5jRDWb6+J0FpyVE3aGagL9++FInrrnt66py2rFhxw3bYO7fYJ"
    "121Du6xxtcEjrgutq6vgKOArhz9SMz9TSKZOv8jKCg8XNuygevnzxQIB5VIA+wgovIjjhn"
    "QcEGCl0rdyOIJYxRkf7L6H4KUZhauPIINcgqeqjWDDmpCvA6meck8ba+KeOYZczHKDaNk/"
    "XubOwtbacd0LeF4R6rdlDIy3y+2LtxnzQqFTAduwfgfBreVYZDUlVwE4EuiAAddALP4QC2"
    "JUPHImLtNFlGs5dwbb1JAT6wp5K7OSHQC9aW5iKsaGRac0x2ReGlWRkGltfEvV4Oe1hapI"
    "hdGUFq0gsCcgJ1PuUlyzghrcDMdjUWM0raQex0Q6MEE0dBqYxAw745zRWxBBG5PpANA6Lq"
    "Q1+nSX2EudDPhFdLMmqTVJrUnqaiR1QNJeS/3XSfKh+TX6hQR1VV5acbsRUezzw9hV+1Zh"
    "PkU7N8SFnbwC2eocMT+f3OnVxe57NBhc/tO4ur78+8WP59fG97+c//6D8d+DQcAdM4TRyM"
    "JikkdNN3XbZ+S52yRN2iI+el0kacGZZZo01aSpJk07hbImTbtnqmvSVJOm2wSuJk01adrN"
    "mViTpit1xbaxaZo07Ww3Z/i8zZJPN9j1nKW70HJq9cuQUIaIBKrHSfonPKnNzcREbw/+co"
    "Iccg9Zg1X8IpyLNkf+4eXIYy610GCg/of0cVfXe4e5xySsu3nNLyXTBIT4vhLoT4+7uPwp"
    "pLURIcuJJ9WflafWUEjPqnpWzZ9V/w9G/q+C5M2lUVnhDKq+HUPORhVykEZT2whbVpTOGo"
    "9l7wpXRXHDZAapQrllyVGw59uQwXe6bMpcW8t37I5dQpQ5NCKQkF+RhWQDsuEgGD2Qwg4E"
    "l9vuCeJWELyu0pQi32Ujb+znHmWQaBMyc/vPU3pXsf+0UFvn5m5HHp2XFKre1lUy5o6Jvo"
    "/SDplIos3Ir0ib1JAKUyc81wrHWhUOlbwlR9kIk7osVzQgQUNp20x2njSLhDLo0JC4M8id"
    "7WfSU5nF/bTafbmQuxOV/XrI5av5RY5L72XzIs8oW1u7+lS7NsQqFS3oVVMtdzjHci2+6P"
    "iTZWBezsenxDQlX5mStzFwRzm2QlG+i4WQznhRIeOFkNMFzPLBGZ1l55KU2FoSErVo8l6/"
    "oqrdTJ1VXHXQtg7a3vznU2vQdszgDo2EnBiFs0D2p1+uiYWXKEAB2KdBOyusEy3FOzEP+B"
    "mEnwvSz6qVDo3JZAxccDTYM0GKHUPWRZRcOG7rmRDdyja6hM8z+Z/4EITT1XPQ/YTZ/JbD"
    "vyUXj9MxWS1KcKNab8Haod7LSJFg0Vs6MOakUhrPZ+rDyB3VB8DCnySPHYr6JyhTMkGZO3"
    "G4N56El41Yx+SuVfK6kUH6WzGx5+UGZMDlfiGt55WNuAD/nuzEkafIN34P5935KeZjGXtP"
    "EGV78vJITlto5+Plh9OPu3CQl9psM+POA3HQzvX5p8vb8yUuxPXfopqrL2mQZA7LixWrgv"
    "zqi+aS8VVhuS3tSzlygiNm/IZi1GZ0UcBJg55FgnGUvnnIeaWviwdqWYawyShdqlnNJo7F"
    "KdjB1FGXGVAmB0fHYd63IZED3EGKQfEDqIJBiPz4/s0zFjqBct0JlP2Zuwq3vJDoBMZNE8"
    "vbcMZcc/sj136CnK/syZve03EW5b/dXH5e4pJPyaU5Tjpy0X+QRUVt23B63997bOT7TD1q"
    "uZSJ13DbHzbgUgGcikd+epD3kzwmNJAe+YQ9UoezafWDQ7OS+vSBp08f8K2nakjHZbqHcS"
    "0uWpifPWFMFxRQ2ZU0K9kFyJteUInjcEeialZaVZNSXcC9bl3cIa4zV6+egfmJQyBicqv5"
    "xVuGdDNece65tldJM19I6ICPytNI5FSqpDXGhdqhMsL9OqMyCrk0AtNmUfZQyWZKyXVvfq"
    "9r93dE7BoWX5xTV3pVzZVucDZSRHNdoz/ZA+9KwP9uKfbvcoiY6MCKsnDHZbo3xGvZDRHt"
    "Za2cRSkr2T3IazGQsOuSqV1xYY3J6HV17evqyMJ0uuQk+qJsKnEpPfpLjX5pGAlikK82lf"
    "2xQuhlnvwaAjBb1hFdir/UYbYvopt1NpcX0c3ClUb+St2clNRzdpt7+Z4yKiYrdXNKVPdz"
    "m/tZQhzE1pW1RBYS7bBDVnEJqyQFjsdeCTQlLoa4pz6i06nnhrx8+0yUZPBdBSslI9g9Q2"
    "VdEXAxnTUV11gB7xxRjfjTiE8rOiynz3FVrjb7MO5MsdUMm7r+SCDBPWdULdIqkmgQ5NOr"
    "i2YQPijjET5Y7hE+yN9Pyisx1jGR7k0S6/e5+/6UahDHZTTGT2PcaAqLVmNbS4BxcpdD6a"
    "k4IdU9qPfLuW/3i9y3+znu29RWlNJwJ8W6h/f6oyvDXWXyX+rODa8a4PnSGvencff3jhkT"
    "Lipt0EmJdQ/pWpxX1JRzArBW3HONKWWeS6qcarFMfKWzLdqG/hpOt2hLujmPnbIREaA05u"
    "9OjYr7T+xSNXBQs+R21cEgFJCT4WAA+V8XXJXP5PRh2yhkifN/xq5DwjjBYUvpzoervf39"
    "3RM0c6jr+vmAEntWa7rPHeOyWTSbqA10qj2Vwtb34/VBCqOr6x9lY7JxzOS/cqUFUAAAeX"
    "U24RaRQ5sQkOOMIIvzB89etiX2Sy/2HlAn3Jz6nLx4Ov8tlDWR/7Y6m/lMGrNtnsG6WbXU"
    "11FaHUuKaahLQG0SW7ZcXhmI6jd3slV1dHv76rgIldRZzf7lnCPdUgY+gstriSbglz2pBi"
    "y8ZuVSVoRuKYk6dfycErKZvuqMwSAs/fJA5n/87yO2PCLX8HtqucQRaCdceR8IsdW6PkUu"
    "50syV9R2p9zVOkgErhrSy7Vertsxy7VmDeneeQCtobWjKacsuJFAB+E9OCozdGWt5eTI0X"
    "FuCsjNLNI3AV+bt0hHZYWLdMj4lk4WHwoE6duVKXwsLWEsrV1pGZOvtuNvulLmcmQMhzll"
    "BBwHT/Boglw6esjLGr/+G5RJKUUYIKK+BjiARoWNhAmactNN6eRMG04539XkTK1ZOXRO/3"
    "o9ojCdGSI2S5cPnkgJdhDxWtwYsUk+ZUoVJS6ISTWYzj+curc2b8F2ZBTrTN6CbUiR19CJ"
    "6LXM1jqh2DqGfi0h4j7EK0Ve6ICLJ/Tvl75lorWDXseN1xw3HqcBMjgXbwVLieqtYO3eCi"
    "ZkZ+FV+jklqvu59f0sbDxjhkr6V8UyyZPtgs7QtJES8qcV840kpLqAe93UXZhZoBrOSSmN"
    "89M46xQfL2Lp0Ck+OtvNbXHk+i7NXp4fNyjqF7px/Urlvbh0zIi5R6V17PCZgEN4bs4/7B"
    "3tvkfqgCPZ5b5rlc9UXQEOVu654FyFUOdcx+062tRHfeef0RIezkIicCccBtYGl8Hlrlm9"
    "LHZ2vkzuSl41md3a09jpbq5R+xGVjxGOiXTQN137KcKe0IcIP32IcGyQVT1DuFZVzpX9ZP"
    "5El0TlLUqLFTpVT96zdGje2RyC30BDOL26QBKbR/VTnWUZ6GYI8qCLExSmq0eq+T6S7RDC"
    "xIS78scEM5Pf30utzMWjCZy1I7LaXt03KxOyF4ux9hw56REdk/fiDkx8YXxT4xsRWo3v+v"
    "chhBNJBYBjIm1WdaIjShZzLuxEjqbdVQzJ9ftcYYmoGnYal2lzD7QpmGkqrSofpQpAJ4Qa"
    "DCOQSpJF/VNE/oePpEm4J+9G8LTXCP71nBVH/0WM4Tw3i0bRtr6kXHMbaN/UBXWD2/tiO5"
    "al+pKHO8POPB/3UCId/xv2xJbNMEUIBuFHETEhh/HZxefT69/z/b5nOeFKZ7/fnp9qT9lL"
    "4Ypa4kK5xeKhl2Nxq+v9IlvblTVKe05G8kEhBQxGDufTVwI9YDbEDA25LMhzizwtoH0ebe"
    "Dj+kV27RYE12+3Rhp/sgzOywOzUmId2MrQdEiWf/hwlbG9kGgQblgjLD6uiHoo1keUGbbD"
    "YalTKbhMzkrmu6/b5LUdyh3qVgrUiss02AdTYlKvqtnVs/isj3xRQH5Cx5NVkF/zMYtYKJ"
    "a6aoLUlFiLObWeVDH8DfT+o25+A4nUNWn+/L7U3o2LdMbafVZ2KG1TPXsV3QabSkcfvrhu"
    "BuuwqnNnIdJBO6P2MAuALwt35TCL66CZLQO7bJhFbJC1KcxCBbfk0D1h0MtyugfiRkrSPT"
    "d8SiAZ72zCw5BVhlyuAh8gk7iw8Yi8h4tS8MHlNoL79VW5n8R3hC0EN8wyQ2tuW5NIbZht"
    "+gUkEnRVVedmXKZzkK8/PsKW9pn8dkxjgkVOTtqiw+JSgu1lknryx9x23yM4GH1+gkaYMe"
    "7K6WAs54qVLL1SfN5hAZ93mOXzHF6NMA3rN0pnTIf+WlHJrDanFPK3o5j4ZqkMk4pV0hrF"
    "xRrMaxRd2drERtrsXqUDtsIeq+DKTKWfEXmRHIHgT79cEwsv4bECtfV0TLbx9JNlRkSSa7"
    "WpofYvPRskm95COx3FSS7j9D6IdHouVJ9jbW3vRFKMly3tOM6wBZ6dR2rKX88E7Spo8Cpo"
    "r6vAgUn/XKw6xnokfaLBbtpnQhTbudsVlOpkdE6JQ0eTXg6nE5T0i1gdvKjzFK2zHIY1ky"
    "gv5XiGZ3q0llMmcKB4rsewIH39QqSDnPjB0VGZaOSjo4IE9kcZX7j8qCogHFTvILr7ZQ9j"
    "LTqLNZMjhjOX5G2KWp44MSbSfObEzZiHa8uRuNFo1G//D/9YG+o="
)
