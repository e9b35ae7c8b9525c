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
        CREATE INDEX IF NOT EXISTS "idx_runs_name_bde534" ON "runs" ("name", "created_at");
        ALTER TABLE "runs" ADD "followups_waiting" INT NOT NULL DEFAULT 0;
        ALTER TABLE "runs" ADD "turns" JSONB;
        COMMENT ON COLUMN runs."followups_waiting" IS 'follow-ups sent while it executed';
        COMMENT ON COLUMN runs."turns" IS 'follow-up messages, in order';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "runs" DROP COLUMN "turns";
        ALTER TABLE "runs" DROP COLUMN "followups_waiting";
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
    "eJztXW132zaW/is42g+x98jZ2IndjNPtOU7qdjxNYq/tTqfT9FCQCEs4JgmWAK1oZvrfFx"
    "d8Ed9Ek7JIUTS+JBaBC5IPQOC+338PbGYSi788mxJHDE7RvwcOton8I90wRAPsusvLcEHg"
    "saV6YuiiLuExFx6ewEB32OJEXjIJn3jUFZQ50PfMQWcXSFGcIozmzLvnLp4Q5HPiveBobz"
    "Ric4d4o9E+Yh7CsvvVBRLEwY6QzdSUhFQs0N6Hq4PDo/13iDkEqScZwgOYbCKfgDrThu/1"
    "xeEMCNTgyMYmQdRBYkbQzxeIcnkH6IbuPGarqzff/yS7m+pvJv/x0BwvkMd8x3yJzh+IJ3"
    "8Q11ogKr44U/pAOIyCkec7iN0psglzhMcs5FrYIS/hZX2H/uETQ7ApgSHlK//220C9EbSq"
    "efz9d/kXdUzylXBoh5/uvXFHiWWmZpuaQKOuG2LhqmsfZtj7QfUEZMfGhFm+7Sx7uwsxY0"
    "7cXQIPVyUixMOCmIlF4PiWFa6W6FLw8PKC8HwSP6S5vGCSO+xbsJSAOniC5bWBYXy+vDVu"
    "zm8NY5BbZhFFYjWElySKsEQpLFh4fxt/NSziTMVM/nx99GdwnyUOQS+44d/Prj/89ex67/"
    "XRPtyQyXUeLP/PYcuRavpTDYEFDgZRqC9hDhZXHaiXFGvBHYIZox11WcK9/FBbx/vkTQW8"
    "T96sxBuaAO8lvup7DCCqgXGaajPLugrQgw8/39xefhq0AvbhSQWwD09Wgg1NabCTj5VD+5"
    "Z8FcVoZ8hahLspoEuAvT3/xy2MbHP+h5UEdO/T2T8U1vYibPl4+fnHqHtiAj58vHyfAT46"
    "mfKo/+3m8vOqLXtJk4HcpBOB/oMsykVj0H975zsTwBWNfWoJ6vCXcNvvak7JIDxM5fEcHL"
    "2cCDnYlGcP/9oTBciVT1R2TgBIxsXUU6OoAbITxcnEI4IbnGCLFJywqz+SPKX+Tmp/J75r"
    "AjQGLjhxv5ctgtqkGP40ZfZ7CUlfRn/s3jlcNhMXn85vbs8+XaWm4/uz23NoOUpNRXR1L3"
    "tsxIOgXy5u/4rgJ/rn5efz7EcT97v95wCeCfuCGQ6bG9hMYhJdji6lZln9X+O0j/q390Ht"
    "MEMlYWNeHXRjghb3q/86npyMJ6/a4aM2JSQkjvNJEQNVIn1NWuecuI09ySGzRTsYb34dSz"
    "AdwnkdmBMkLSId/bmjOCv1UB2UY4Ie8DdpcI9evaqAruy1El7VlsaXOA/UY44NAms9nU2e"
    "sn8Khc3vzXzBBbEN12O2W8BFljDwWcIerO+2+XePSF6RCuYVSLqrF3qaqgew57aVivtK6c"
    "aS21m4wMKvdUAuKVoEmZoWqas0AJoh6NIdCTOo+onnBUzq9pVoUsxfU0ZNU25ARu2abNMn"
    "IVWZZWqe2EkafVYXn9Vg0Lq7L7S1xJawNN4/MI/QqfMTWSjUL+QjYmdSpBEILaA/c7KDYP"
    "8Zrabo6vIRPTyPLYCpRSbfXb4xEcG6PLv5cPb9+UBBPMaT+zn2TCOFNbSwI5a5EvfNN9lH"
    "duFUeYzZBUfPJ+wsbhn8W3GqruU462x0W7VBlsyUei0jY5GPXtIjltr/42Zij4kXwMg8NQ"
    "P3ZBHDG85xPDthW2D7CtrEzGP+dBaRGIkRC5eGvG4koYanVsvFxo4c1wxf+c/h0pvApbfs"
    "njiDIk+DqG1Y6mzgUkNAt6oOB2hMsEc8pIiQREZZ08HSv3dz/uHgzT74BoQeAa58W+ZgK+"
    "g8BFZhz2GqdV/2Wtpi034GG7/FFycYCobBpk0dRDn3ifkSXTrKSYAjPsNHxyfgJcAlqyub"
    "BsNCjwDtANAtBwCYV2OG+awO3Gmq3sG+eTWUtgksRZZK4uJhibR4mBcWtdTy2HHeC6nFwl"
    "wY8mhaZ6KztNqI2uWZBv6jpniaINHSaW3p1OdaOH1UOE0ssZZl03IpxhP0LpA68lJM1FYu"
    "xYS9Kgsx4PU7RK58DuQROYdcDNEdBbWm7EikNDRjAmQJj9wRj8glEzkPe/CHFOaQ6zHTnx"
    "AzcGd+vf+yQI5p6C6PiyW/DeQw4UxH2ARLXXb8LXMJVknQ+3ctzpRuYlW01a9Xa6tfn2h/"
    "5i37M2cXfmWX5ixh/+xgVcA+Wg32UQ5sWOV5jFe71Eb9d9eddhOsbiOOs3Do1GRHEyT921"
    "k2tZMvEXb9sUUneYDfM2YR7BRjvCTKQDyWVE0t9vhKu+v6/eXlx9S6fn+RdVn4+dP78+u9"
    "Q4W67EQD5vTi820G63v5enWWctS/y9qowZJXNEJeEdhACblvk7ySfDvGdUGFVevYjAm6DP"
    "2ae8hxJUXgcYki8DivCPS9Wt5+Yff+MSMNOeVA0CcpYrBXO54lSHoAc+suZ7EYWtndLKbQ"
    "bMfjbIc2HKy11HdNnazcB2p+R0uSHn5ITauTvdAp5Inq5IoONB3Duqo6ObHEuqROPl965g"
    "8KNMrJ5mGZUjnh4V9Rr/zLjHgkTI1BPFDl8jirxSn8RW359xDFLtWU8CHE3PoumjBbvpHJ"
    "VV6LMFw1r1Nu5A5V9MlLPWMillPri7ft/tJPfbG6o3L8mlpsjC2U/RS3r0nWHjHNBmbpZB"
    "hbktjkE92DlRjOkToLPEvXw4XeiMZHndR1zCQxQTfsJHC/3thJFKNkRIxSnVnJU+rp2fj0"
    "SDbAeMDeOglgCki7vEMlhQ8kn5vC7SUnT5yJt3Dl06E5FTPl0B5w8gjiDzp5oGgV1VpTsW"
    "sqqg4lB9LTvNlpzunJtqPX+RGH2omcSidsGZZpc6aqT/W0qkE+NMzvCShLHuR6s4JrHGGB"
    "GDjr7f1yc3C8fwq7MPVUwlFKOJpgz1vIaxRSnr5D81kYeAQO3Dl9TlM3+uLMMJenhUnMYU"
    "iGHT6XAKApQzAfSDA0GlkEm6NReJfRSKJG5RMQea2qq6FWAW1XBQQzWNM0kCDpNA+kwvXU"
    "1yFmOPxE1tH+bD6NiUlcURBxduGsVEuE/TN4U6cxYaDJJT6Fhzg4OnzzzZu3r0/evB3Cmp"
    "KX4ivflACe9+eJd508oqXuUyk67UFVw4NK8+S9Zda2bDbu2nT22m7cNbB33HB84TwEO2ZO"
    "wAhbSgUMqvpUjkBiDjnwOUFcLowD30UWde6VKVflJ1AlEFS2g8PCyKKa1JqNj4AP8zyERS"
    "AAthc8yB2xDme5KbviavbeY/U8bqP+LVq+grQmTemY04C/rYD325Vwv13lPjeulREvTaWP"
    "yQoCk2Y4nwXDSb66VA63xjSnKfU0d3qaVRqKentmgqTDjkfdEiu2wwV/ZFPqnAlBINFuAS"
    "+cai/liC3oKb9o1bUiY3zpSK6MTQ8kFxsSDtGE+Q6YPMfkTgpSinFzMedz5pmQsGsyIxNQ"
    "niuG96SAXd7QmFXcJEMrbG3fyPd0ulJ5WMhTF2gOw0+ku5rxQG34l6Oj16+/OXr1+uTt8Z"
    "tvvjl++yrWH+abyhSJ7y9+BM1W6puKVF2rGepwhirHDpLOM3kqrcfpt/CC36nUEaYpf04s"
    "quxK8gfh/Lt1pJtGHPvqswaaJegoS9CRA+uTXN94Wqi3iZpKjyk76FTjgJqAOSoke4kiG+"
    "4LHhWd5Kq0JWRy2bu5PTjcP0VzoKACcbwI/O9nbK5+i8Aj3yOFp1YTN/riSInKXNbSVNSj"
    "URB3B3ZfdCHkuHMHjUaQkpyMRnCjsGam6U8E817wU9kqPyIfTMVob44plA0Dl+0vztJsF2"
    "buBHXfEDlM3WpBxP5QDS0fw5ZEQA8ZOKERSn3Kb1GV89xXhmt4ClO+5Gg0/OKMRneYWuqW"
    "cujRaAJaVCu8ACbs6O0xv+eg4wlqg4bWdLCIj4kc0aTcxUIe8eZLGCQI8ByNvjiqRmiQUV"
    "RiHD59UHkAtETkqxjG7wQTEF4MTO/RO1iq3CiTc+Wo239xUqVG0Z5HbCYU7nK3QrAga6T1"
    "CRXDkKwHMvmoCYILUUOcf1bzH93kP+QuOmOeUTeHQYas8/zIcLkFBB/QOgzIhrV9IYZ1Qz"
    "cyZF2Gfk35tanCsfVsB0karSOooFPVyQxW889NeDLHh23VFR0TtFnwTDJLNQFXNEMUc2RD"
    "FLBZQxQzWOvs3pvPP6OzSTSbTWIH3Npe1Vzar1QYqUuYa5F3cah06AwLIkt8KRSmTEJcUr"
    "WY0YYd4ZSHY6FivYw/T1KtNREtBfWC2BTKslJiYhx+OSpaKXB+Dgo90FC4rTUDrfD0y3kK"
    "fMlrbkUpog7vRmqegoeF72M5I5EH+Tpnwea5H8njeAXpJUsiwCKC7nI+A6W/SKoXgnqHoM"
    "XlaE8pViIvfjVBxNyvNhs66Kszh/iua321g6l2MNUOpmtZKj4zQe/oBIevnTNXpNqHZTYL"
    "J9GzekwbdcbsK5JMl7dQ3FZQRWso//WxJQ94DnzweBHzxAWep2sOUkW3HRcYBPuEzi207c"
    "AynXOuaRZWp9NtOrnKmJkFwvRqGSHq310RobPKUbVp56Aujd+LSHTong7d05JVBwpcd21C"
    "+13humtoVxWutljiulS6ugpLAV957IGaxZlCcn2GZVJWVFzYcMPu1euLhQTKpADyEajwYh"
    "03pOMAByuVvpVBCWLlZ3y0/w6cl+YUrj4ADRIE22qMMGCNy9eBVE+F1cbauGeBIJeQ3MBb"
    "9vfnGVnYWTmufw7Pa0L9poqA8Wa1fPEmJ14odGpgG/XvIbiNlEVWW3IdgGOCHghwLfjijz"
    "EnRs2SM0maPqLcSN0Z7FJDbqxr5K3MU/YA9LZ1EzafGha1aYHIvNKrIkXTWf+Wus7PG3NV"
    "kQyjKSVaTiAmoCBT7kpc84Qa3JyOx6LGxK7FHidIerBBtFQNTGKGvWnB6i3xoE3Q9ABo7R"
    "fSGX66T9pLnQz4WUyzVlJrJbVWUtdTUodK2mvJ/3ppfWhxj2GpgrquXlrpdmNFcaAfxkLF"
    "rcJ+ivZuiIBIXo5cVUcsyCd3dnWx/w6NRpf/NK6uL/9+8f35tfHtT+e/fmf892gU6o4dhN"
    "HEwnxWpJpu67ZPyHO3TTVph/TRm1KSltQs00pTrTTVStNeoayVpv0T1bXSVCtNdwlcrTTV"
    "StN+7sRaabrWVOyaNk0rTXs7zTl93naVTzdY+N7KKLSCXsMqSiiDxwT1/SSDCk8quJmY6M"
    "3RX06RR+4ga7DyX4S6aAsUFC9HviOohUYj9T+kj7u6PnhdWCZh08Nr/VI6TUCE7wuO/vCZ"
    "wNWrkDamCFmteFLzWXtrjYj0rqp31eJd9f9g5f/MSdFeGreV7qDq2zHkblQjB2m8tU2wZc"
    "XprPFUzi4XyosbNjNIFcosS66Cg0CGDL/TVVvmxkb+4nxxLsHLHAbhiMuvyEJyADlw6Iwe"
    "UmEPnMtdcYqYFTqvqzSlKDDZyBsHuUcdSLQJmbmD56kcVRw8LfTWubm7kUfnObmqd/WUTJ"
    "hj4u+jskEmpugy8muqTRpIhakTnmuGY6MMh0reUsBsREldVjMakKChsmwmJ0+KRVwJdGhM"
    "xBxyZweZ9FRm8SCt9lAe5GKmsl+PmXy1oMkT9E4Oz4uEso2Nq6vadcFXqexAr5tqucc5lh"
    "uxRSefLAfzan18hkyr5Gur5F0MuqMCWaEs38WSSGe8qJHxgsvtAnb5sEZn1b0kQ7aRhEQd"
    "2rw3z6hqM1NvGVfttK2dtrf/+TTqtJ0QuCMhocBH4X1I+8NP18TCKxigEOyzcJw1zomO4p"
    "3aB4IMwk8F6Uc1So/WZNoHLiwN9kSQEmXI+oiSgHJbT4ToVo7RJ3yeqP9JLkGorl6A7ifs"
    "LG4Z/Fvx8DibkvW8BLfK9ZacHeq9jIwSLH5LD9acZEqT+UwDGJmn5gC08KfpskPx/IRtii"
    "ZsEzOP+dNZdNlITEzhWSWvGzmk/yxX7PmFDhlweViq1vOrelyAfU9O4sRXyjd2B/XughTz"
    "iYy9p4g6B/LyRG5baO/j5Yezj/tQyEsF28yZd088tHd9/uny9nyFCXHzt6hn6ksLJLlieY"
    "lm1VDcfTlc2r8qanelfClXTlhiJhgoodqML3KoNOhbJFxH2ZtHOq/sdX5PLcvgLplkW7VW"
    "s42yOCURTD01mYHK5Oj4JMr7NiZygXtIaVACB6pwEaLAv3/7GgudQLnpBMrBzl1Ht7yk6A"
    "XGbSuWd6HGXHvxkRuvIBcwe/Kmd3SaR/lvN5efV5jkM3RZHSedCPQfZFHeWBjO4Ns735kE"
    "NlOfWoI6/CXc9rstmFQAp/KVn13kw7QeEwbIrnziPFCPOXb9wqF5Sl194PHqA4H0VA/pJE"
    "3/MG7ERAv7s88Ne6kCqnqS5in7AHnbByrxPOZJVM1ap2qaqg+4N82Le0R4C/XqOZgfKQKR"
    "oFvPLt4xpNuxijNfuH4tznxJoR0+am8jsVGpFteYJOoGywj36w3LyOXRCJo2izr3tWSmDF"
    "3/9vemor9jxa5hsWWdusqnaiF1i7uRUjQ3tfrTM/C2AvxvV2L/tkARExesqAp3kqZ/S7yR"
    "aIg4lrV2FqU8Zf8gb0RAwkIQ2615sCZo9Lm68XN1YmFqr6hEX5ZNJUmlV3+l1S8FI04M8t"
    "Wlcj7WcL0sot+AA2bHJqJP/pfazfZZTLPO5vIsppkLKeSvNc1pSr1nd3mW76hD+Wytac6Q"
    "6nnu8jxLiEPfuqqSyJKiG3LIOiZhlaTA850XHNlEYPB7GiJq276I9PLdE1HSznc1pJQcYf"
    "8ElU15wCV41oxfYw28C0g14o8jbtc0WNpPMVWut/s4zLOx1Y42dfOeQJz53qSep1VM0SLI"
    "Z1cX7SB8VMUifLTaInxUHE/KammsEyT92yQ2b3MP7Cn1IE7SaIwfx7jVFBadxrYRB+N0lE"
    "PlrThF1T+oD6uZbw/LzLeHBebbTChKZbjTZP3De/PelVFUmfyXioXh1wO8mFrj/jjuQeyY"
    "MWO8VoBOhqx/SDdivKKm3BNAa8V8YdjU8QWpU9ViFflatS26hv6Gq1sI33NqKaZigifppd"
    "pBdXDHLIvND3wXRRH3Q0QdxLzQe6V7+qfgiX2XG3NMoXRdjXVfSNvZgi7LyeGIywMJzWfU"
    "IoiKMMo3yGjVzheRS7GyOh/IEwPwH4vTPnMmhIMYVRyvHTcPH4nbNnDYs2IA92gUEUj2YD"
    "SCjMhL7W2g2xxCIDXkTQx+Jq5DCkXOIMh678PVweHh/imae1SIIENWKoq7oft8cZgcVi4h"
    "FVKqxlNJnQPL9hCoMLq6/l4OJgfHsAVI3hNAAQDk1fmMycUnPEKAjjkEWYzd++6qIPHfBo"
    "n3gD5RuHYmerxWTLXOCA1tbWSErq/ff6Jiv2u28qb1zJmvo7KAkibTUFeA2iSuHLk6mxD3"
    "b481WIN1O1QFVFSac7X7P0dm4CMYgVdwAkHbo2zA0o5cLYlLZKiVqFMvyLIihxmqyRiNot"
    "bf7sni9/99wJZP5Bl+Ry1BPI72opP3nhBXnes2EoytyOXS2J0KT+swNb4aSB/X+rjuxi7X"
    "mTOkfxUyOmPoibecquDGBD2E9+i4ytKVvVarC49PCpOibueQvgktGEWHdNxWekhHNpDK5R"
    "MigrCggRKFT6QkjKW0KyVj8tX1gjBEJS7HwnCUZYkjLBDBkxkSdHJfVEdh8zeokmSNOICI"
    "+hqgJJNypIpSlhUmYNPpyrZchKGv6co6c3LoKhfN+gjAdmbwxC5d3Z0oQ9hDxBsx7CU2+Y"
    "woVZbKI0HVYoGLaOve2Uweu5FjrzeZPHYhaWRjYLewW+sUe5tY+o0YrQOI1/JF0i5Ij/Df"
    "zz2IqLOLXkdSNBxJkVQD5HAuD47MkOrgyG4HR3I5WXidec6Q6nnu/DxzF88dQ6XBrCOZFN"
    "H2gWdoW0iJ9Kc1M/CkqPqAe9OquyjXRj2c01Qa58dx1klvnsXRoZPe9Haau2LIDUyagyI7"
    "btg0LDXjBp2qW3Hp1CHmAZXSscfmHMpS3Zx/ODjef4dUyS855YFplc1VXw4GVuYLMK6Cq3"
    "Oh4XYTYz5uq30mdtdM1aKoXBGJwZ0xWFhbPAZXm2b1sdjb/TIdp79ueseNJ3bU09wg98Nr"
    "F9ZOkPTQNt14XW2f67Laj5fVTiyyulW1G2XlhJwn8we6witv2VrO0Kl+8p6VXfPeL8D5DT"
    "iEs6sLJLF5UD9VddeQN0NQGYCfoqiAA1LDD5EchxCHz5iQP2bYMdndneTKBJ7MoPoUz3N7"
    "Td+sistewsfa9+SmR7RP3rMrIfrM9E2tByJ0Gt/NxyFEG0kNgBMkXWZ14qI9yz0XIpHjbX"
    "cdQXLzNlc4Iuq6nSZpujwDXXJmsqVUFaBUA+gUUYtuBJJJsmhQV+d/2ESKhAfybgTbg1bw"
    "b6Z6Iv0XMcaLwrwyZWF9abrO5tboZHhfImJZsi9FuDvYWxTjHlFk/X+jmdixHaYMwdD9KF"
    "ZMyGX8/uLz2fWvxXbf9wXuSu9/vT0/05ay56Ir6ogJ5Rbz+0GBxK2uD8tkbSF7VLacTOSD"
    "QgoYjDzG7Bcc3WNnjB00ZrKhyCzyOIG2eXRBHzcsk2t3wLl+tznS5JPlcF7tmJUh60EoQ9"
    "suWUE57jpre0nRItxwRlhsWhP1iAzS7hmux+CoUym4TOZUrADRtMjrepR5VNRy1ErStDgH"
    "NjGpX1fsGlhsPkQBKSA/o9PZOshvuPAo5kpLXTdlcIaswzq1gWQxggB6WjWTYcMBJJLXpM"
    "X7+0p5N0nSG2l3Y8lTtUy11im6CzKV9j58dtMM0mFd486SpIdyRuNuFgBfHu7abhbX4TA7"
    "BnZVN4vEIuuSm4VybilQ90ROL6vVPeA3UlHdc8NsAsl45zMWuaw6SDDl+AC59bmLJ+QdXJ"
    "SE94K5CO43VO1BEt8JthDcMK8Z2vDYWonUhd1mWKJEgqmqa9xM0vQO8s37R7hSPpPfjmnM"
    "MC/ISVtWPjFD2F1N0kD+WLjiHSK2KxanaIIdhwm5HUzlXrGWpFdJn/e6RJ/3Oq/P81g9hW"
    "nUv1V1hj0O6zDUEatNW5VwQAny7aoyTMrXSWuUJGsxr1F8ZWcTG2mxe50J2Al5rIYpM5N+"
    "hhd5coSEP/x0TSy8Qo8Vsq1nU7KL9YBWCRFpXatLDRW/9GSQXHoL4/QUJ3mM07vQ0+mpUH"
    "1OjLW7G0k5Xq6U45iDLbDsPFBT/noiaFfhgFfheH0FDkT6p2LVM61H2iYaRtM+EaJE5G5f"
    "UGpSo3NGPDqZDQp0OmHLsEyrg5d9HlPrrIZhw0qU51Ke4YkWrdUqkwe5IRdaDEvS1y9Jeq"
    "gTPzo+ruKNfHxcksD+OGcLlx9VDYTD7j1E97BqeeKy6sS5HDHMEaQoKGp14sQESfuZE7cj"
    "Hm4sR+JWvVH//H/ZYReT"
)
