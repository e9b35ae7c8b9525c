from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "invites" (
    "id" VARCHAR(64) NOT NULL PRIMARY KEY /* sha256 of the link's token */,
    "role" VARCHAR(8) NOT NULL,
    "created_by" VARCHAR(32) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "used_by" VARCHAR(32)
) /* A one-use sign-up link an admin made (SEC-1). */;
        CREATE TABLE IF NOT EXISTS "login_attempts" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "key" VARCHAR(200) NOT NULL /* user:<name> or addr:<client address> */,
    "at" TIMESTAMP NOT NULL
) /* One log-in attempt, counted before the password is checked (SEC-6). */;
CREATE INDEX IF NOT EXISTS "idx_login_attem_key_6a6538" ON "login_attempts" ("key", "at");
        CREATE TABLE IF NOT EXISTS "api_tokens" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "name" VARCHAR(100) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "last_used_at" TIMESTAMP,
    "user_id" VARCHAR(32) REFERENCES "users" ("id") ON DELETE CASCADE
) /* A bearer token for the API (SEC-4): a user's personal token, or (no user) a tenant */;
        CREATE TABLE IF NOT EXISTS "personal_providers" (
    "key" VARCHAR(40) NOT NULL,
    "type" VARCHAR(100) NOT NULL,
    "model" VARCHAR(200) NOT NULL,
    "base_url" VARCHAR(2000) NOT NULL,
    "api_key_sealed" TEXT NOT NULL,
    "msg_limit" INT NOT NULL,
    "window_seconds" INT NOT NULL,
    "cli_cmd" VARCHAR(2000) NOT NULL,
    "cli_args" TEXT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "owner_id" VARCHAR(32) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_personal_pr_owner_i_cf4824" UNIQUE ("owner_id", "key")
) /* A provider one user added for their own runs only (SEC-2); it wins over a team one of the same key. */;
        CREATE TABLE IF NOT EXISTS "sessions" (
    "id" VARCHAR(64) NOT NULL PRIMARY KEY /* sha256 of the token the browser holds */,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "user_id" VARCHAR(32) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
) /* A signed-in browser (SEC-5); deleting the row signs it out at once. */;
        ALTER TABLE "users" ADD "disabled" INT NOT NULL DEFAULT 0;
        ALTER TABLE "users" ADD "role" VARCHAR(8) NOT NULL DEFAULT 'member' /* admin or member */;
        -- an upgraded team server's first account (the earliest that can log in) is its admin (SEC-1)
        UPDATE "users" SET "role" = 'admin' WHERE "id" = (
            SELECT "id" FROM "users" WHERE "password_hash" != '' ORDER BY "created_at", "id" LIMIT 1
        );"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "users" DROP COLUMN "disabled";
        ALTER TABLE "users" DROP COLUMN "role";
        DROP TABLE IF EXISTS "sessions";
        DROP TABLE IF EXISTS "login_attempts";
        DROP TABLE IF EXISTS "invites";
        DROP TABLE IF EXISTS "personal_providers";
        DROP TABLE IF EXISTS "api_tokens";"""


MODELS_STATE = (
    "eJztXWlz2zgS/Sso7Yc4W0oq8ZVsMpUqJeOZ8U58lOM5drJTNCTCEsokwAHAOKrZ/PcFwE"
    "OkeJiQKYmm8SWRATSPBxDofuhu/D3wqYs8/nw0RUQM3oC/BwT6SP7IVwzBAAbBolgVCDj2"
    "dEuomugiOOaCwYm60DX0OJJFLuIThgOBKVFtRwSMjoGWABCEHDHAkQBh8BagL4jNAUOBNw"
    "dYgCn+gjjAXDZjIQH0GogZAhNKBKMeCDxI0HN1T5dO5E0xma7n8iHBf4XIEXSKZAMmb/L5"
    "84DeEvlT1mqw/vxT/sLERV8RV/Xqz+DGucbIc3OQYlfJ6HJHzANd9mEG2Q+6pXqXsTOhXu"
    "iTRetgLmaUpM3lq6pS+YKIQYHcDNIk9Ly4S5Ki6OFlgWAhSh/SXRS46BqGnuovJR09waJs"
    "4DinZ5fOp6NLxxkU+jKRyOAfF0kU1TjAalSo9/fhV8dDZCpm8s+93W/RfRY4RK3UDX8dXX"
    "z4aXSxs7f7VN2QysEUjbHTuGZXV33Tl4ACRhfRqC9g1v8bAJ20bwfqpGCB9eJT2DjYh/sN"
    "wD7crwRbVSmwF+BK2CgzQTcV2By8g38cTA7HkxeDBzWgM/OEvJ/RTBG33yDC3IdMyFlxvh"
    "mM2x/HEkyCODeBOSOyQaSTnw8UZ60vmKCcCmwQ482Au/viRQN0ZatKeHVdHl9EvmBGiS81"
    "HsdMvyhKroR4rEl0c/1rf27mcy6Q7wSM+oEown2JvopyuAuCPRjfNeBeHv1+qa7sc/6Xlw"
    "V152T0u8bbn8c1H89Of0yaZzrhw8ez90vgS+2dciwom5sM9LxUD2AvTCsN55XaiaUws3AB"
    "RWi0QC4kNggydj1kCLSWGSq7j0iYAWUAMRYpqabgvzxsAP3Lw0rgVdWSgs2QgsiBJbPL97"
    "JGYB9VaNo5yaUucGPR58mPB2jb1E03xydHny5HJ+e5Oef70eWRqtnNzTdJ6c5yt6QXAb8d"
    "X/4E1J/gj7PTIw0n5WLK9B0X7S7/GKhngqGgDqG3DnSzmCTFSVGumzWFYLhiZ2V6aKy2s1"
    "gr9uX6ppQYSGmbPOA/UIbwlPyM5hr2Y/mIkEzKKIGYE/uFo4eI9rdkPCWlC+2NwduUr8oN"
    "M/ny8pWRiEbm6NOH0fdHA43xGE5ubiFznRzYqobu0qWStG2xyt/1S/uKUeqXLD4nkMwvqf"
    "q3YV9dyOs8OMaspqf0azlLJG3ykgx5egVIq5E/RiyCkTLdAzdonsIb93HaO3Gdpk/jOjFj"
    "NJzOEhEnc8XSoSHLnSzU6qn1cPEhkdd141f+NlwQzAG+pDeIDMrI56RuWMs/B9gRqllTDh"
    "qMEWSIAS0EJDKa+x2dH4OdT0cfnu0/fROTx084COTbUgK9qPFQKQs7hOrap7KVQARG/Hie"
    "h279Fv8l0aXUZaDrYwIw5yFyn4MzohltDvgM7h4cKk6bS2VXVlXw15au7hRdrfvVmUE+M4"
    "E7L9U72NsnouyuwMJoaWQwvqyxF18WzUVrt9y1nPfCbvEgF45cmlbp6GXZFrq6Y+xjn3pa"
    "6R+GBmpGxHLJxuZpyDdpnXYM66bGaWaIbdg2rbdimMDXkdVRtGKSunorJm7V2IhRPipDEM"
    "jnAAzJPuRCWQ4S6VBt6YCAUTecIBdIUwECZbyVuMuseBFrVHRhKqkzKm7ka5oAnbTvsrY7"
    "WAxWp2SwdoO+F1h4RnZGKtBl6Fcc5weNDI2DGkPjoGhohMzInyBubrf9Gm77KRfI+Gtqur"
    "WdEekBzBvf1A6JoZq9kOihlt1kRt6rnpH37Ibq4zRX9faE4Xe0EOnh4rt2e5XFu073tFdX"
    "3aHrxrdzp8GaGWRdMliPFt5/gxKbNVs9rDNbM16EDS3X36TFiKQ1eUvZDWLKC4cDSKKgjT"
    "fqF/bl7yFI3bYw4kMVxhEGYEJ9+UauEnBlkZygBS+atWu5w9027+fBYjcwDNxk6fjT2sJb"
    "3mBLe6WxTZZKdFjB0nfUW8tTj46hB5Y/Rbvn1qHVeC3O39knK8Bcba8tiVmbzdhmk090o3"
    "hotY6YDPBluR4O9LVwPnqlLgL9709npzU+32VWG54I8D/gYS7WNsi/uw7JRIEIxiH2BCb8"
    "ubrfuy0MfgVQ/eBfHufDvGWmLrA8+LWi5CSKkkmvFCVt97TePVINcL5Axh2OoIdKVMzqha"
    "FEtMszVNb4APK5sbq91OQRmbB5IJ8O3GIx0y5zkSYPlIdjJxcUS1Kt1BUPjaTKmIWG3ZyX"
    "tN3cuW4uEGXb4XWO5ZSoCaYCpRPXDOvYHKzbNHZBoAQ9C7mcXfGUPAsDuW6TG820aAdlH7"
    "oocnd++bTM98BQ2jodJMDHjt5xzhIF2xMeOY9v0+yvJmAYNdsST9pv0DCN4hrWpQLmAX/d"
    "AO/XlXC/rtrfGhsFxealuqzlbZlXtDraI1i8c/bT1wDLy63QzXlJ282d7mbth242Z2ZEOr"
    "wv0K3t4u1owR/pFJOREEjl2ijRhXP1tRqxp1rKL1o3bagYnxGpldHpM+U0GwkOwYSGRDES"
    "Y3RNGdKKWwA5v6XMVRF7kxma3MhqrfAelqjLLV2zyS5mTJIYb12+x9NjUsEslerUmBRYvv"
    "gT6e7e5VQ9wrN/7e7u7b3afbF3+Ppg/9Wrg9cvXsu2+nmLVa9qPqz3xz8eny7xQ6rgDu9e"
    "ZDRvxc27rORpv/4336kXfKeceuVELv+ceFhncpR/IM7frWLdrGXfzVw1sCpBR1WCjixYJ3"
    "J8w2kpb5NU1S5TftTIYIGazKAAsdjb1D3mCU9SpHJwy7BcaWQF1+HlKk2qvDCCPgc7V1eR"
    "E+rVVcVa1e7lmyxbiTuaXGrsutXNdUt+fTPKHNPglCWxzq9jwzgDsVzHoqxvqyxcLbNEMY"
    "amHjlLYl2GfkW7p32vp2z+lMY4T20aRiMuzkapbHaDWuX2M5o5UoFN5sqlxDgXoJIZxpqH"
    "BHwor4s95ErrWrmte7EbxPYDC22Y0HrDhFwUiJIMPJWaYdr+buWwrfH9wnBov9DewQGigZ"
    "fRweUPfosU1osiqY7LzwC4CAWoaR7MSKPcfbn/av/13uF+qkimJXX6Y6Ir2t2VR2Bj2zAt"
    "G6Zlw7RW4oVOqcDXeALj1y6QQ7n6YR1DRDItmx/Wg8mYfgVyiWBzvZhESQuH8t8Qet4ccL"
    "V6jOfpSlJ6JM9KF2lC+aQJXeUKYMr6PFz/n84GWm1hbu+2ktq62Wuzi6w70mRM3ZK9tWpW"
    "IWlvKYUVTnOAZWw8pR6CpCqsB5bNFWMpsy6405LNIv7+7OxjDvH3x8uQ/nLy/uhi56WGXz"
    "aK3H6tZdXWkH9olpU9UcCeKNBR42qLJwrUWlfnceb1c0a/YFcbGQULq9BmWGdlJbnc1TlP"
    "unnzdI6xgCbi9Mml8ttHbpI7HsuKWxLlsqAq47v26tp9+lYdZnqLVekXJQMEgr6+RhwewO"
    "XrqLi30uyPm7hn/QmqyjfJHqDaLTuuf+5lK0K938TA2K+2L/YL5oVGxwDbpH0PwV1LFnp7"
    "3OR6PR/HkCPHMANnVqaPKK8lDac61EZOrCsE8RclewD6prkJn08dD/u4xGSu3BHOyXR2V9"
    "jUZbC1DV6pMLrSouVI3qcsbUglrkVBC26B4/GwM/GN1OOMSA8miA0lR5aYQTYtGb01fmcZ"
    "mR4AbTOjdEaf7hN7aTOjPIputiS1JaktSW1GUsck7YXUf1meDy1vMawlqE15ac3tpkRxxA"
    "9DocO11HwKdj4hIST+HAQ6qXKUvWd0fvz0Lbi6OvvDOb84+/X4+6ML57ufj/7zzvnn1VXM"
    "HasjhSYe5LMyanpTt71HVqFt0qQd4qPbIklrEjhb0tSSppY07RXKljTtn6luSVNLmj4kcC"
    "1paknTfs7EljRdqSseGptmSdPednNH8hLpqL8SyimJBqwmmlRkT2OSSXbeF8Q4jI5lQOIW"
    "IRIHLuuDuHRYGB9G+fxVtqAxla8WVSXnZpexSK1d1yaf7gLJPawhiexZU/asqV7qcgFUeW"
    "eLmNcGSi2EbKiUQagUl9OFmuXjVPpN55IlsVYiWTs0ebefIsvaJ71VXO1uv93t3/7ns9bd"
    "/syGQ2IklJBb72PZH36+QB6sUIBisEfxdXoEeH5nIE5Pe0+YMqlw+4iSgPzmvhBdymv0CZ"
    "97khvZIahO+ClB9wSS+SVV/zacGUdTtNreyVZVupqJUb+Xs8TwpG/J1JiTGlc2y0sEI2W6"
    "D5Rjy5t8CtO0f+I6LRPXiRmj4XSWFDuZjimdiGW5U0D6Wz1rFZYmS1LFw1rOKmyaGkmluJ"
    "adOAk1s0SvAVTOSn6Qy2P0BmDyTBZP5LQFdj6efRh9fKqSAmsXpPhw+p2Lo5Ozy6OKLNrt"
    "38LsGPu8tq0yaw/B50Vqz0y1rig2t6zYJrJY1rhOpV3Z2Hkqleiy9r10Bt4YSQOcRWfgyQ"
    "IoQDwUQeRYsH2L12ZuWnfmpmhyNOEmFxK9wHjTxORDSAm9OcfM1hM+R/qUvOk1nhZRrj5k"
    "fVmuG0esq9v26Yj15NxxQ3arKGnTHt6d9jAyUMyQzsr0D+O1bPGp+Tnkjr9gWZqupEXJPk"
    "C+6QUVMUaZRNU1WlXzUn3Afd26OEOCzfWrF2C+I/tkRm61fdWOIb2ZXVUaiiA00swXEtZh"
    "wHgaSTcljLTGrFA3VEZ1v96ojFwujfIRHQ+TGyObaUmuf/P7utzOU+7U8egiQX7jVbVUeo"
    "OzkeZy1zX613rUXJDJlNkU7qxM/4b4WqI2E8gc4/DNomT/IF/Tub+LY8AbL6wZGbuutr6u"
    "TjyIfeQ6Y6NY/LyUHf2NRr80jDhy0NcAy/5YwXWvTL4FB76OdUSf/Pesm+aj6GYbRvYoup"
    "kLaeSv1M15STtnd7mXrzHBfLZSNy+J2n7uWj93JCj0U8RJDUpc7JKqYZ2bXcxpNY4O5XhK"
    "kPsMSxuG0Vt1TIU+iOLg6Vug3QXVUbbKC0hW6rZcnU9BQ6EShlEyQWWRoa1c00aFlrtjJX"
    "5YKAV3Rr0oC8m2dn+qXeSsktvb+TJPB69qt7ZusdpuXqMtw40jzjIiPXRMW3vAWchtvNnd"
    "8WaZQdal5LI6XKhEj0vCiKqVOB2s1FSDm6isGjomQYV8POHgBpIxJFG6jdLEHXcKWN2rC/"
    "NCnWJlXd7X7fJuc3Js0fU9LNkGrPd9Dzedzk6tER6dGqKeiA0BJuocS6WecRVU5lKCVrHh"
    "2veNDximDAujPb+szAb7wEcuDn3TLvDo7RBEogr5GZ7OVkG+Zc8OyDVtggwV7CWxDm+3Dp"
    "K4ShA96vZd36V9hMvn98rUr1kRm/TVnob+OHkAu6f5GLpZZxAwW40yIj20M9ZO97A48+c9"
    "6Z4kgegDA7sp3ZMZZF2iezTJVkL3JORbNd2j+KuGdM8n6iN1GPztjCZbZwQIqveDVEoKHs"
    "AJeqsKpeCNoAFQ9xvqeiWnHK49fRx9kRlq+dqWROrCbDOsIZFUV5mmds3K9A7y9sPhAmmf"
    "yW/HdWaQz4ws6mXB7jJJA/nHPBBvgfLFnr8BE0gIFXI6mMq5YiVLrxGft1fD5+0V+TxGzQ"
    "jTpP1G6QyVrckU/eh0NspARny7VIaLucLBNK9uVsxm1jWIAbVm9yod8CDsMQOvtKXsJvdO"
    "m7lqJr5u9Hh9Nkh1JJl2pLo3SgG+TFJTd4JlbRcnuY7jaxzFaN4XqtPMtfo6rgJpyFECPS"
    "c9CvaeoJ3HFzzPxHD2ETidxPKeWPWM9igLcb8vRBkX4r6gtE5KZ4QYnswGJaROXDOso3Xg"
    "os1dvE41DC2zKJUbW6UkSsmWVryKddegb2VLq5ozUUceGaY7yIj0kBTfPThoEg57cFAdDq"
    "vqlg+bDUwQjpv3EN21ZDeQdxSoLHNtdaR9RmTzgfbbsQ9bC6nfamTRt/8DaGf7RA=="
)
