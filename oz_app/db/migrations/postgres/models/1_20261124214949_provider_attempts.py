from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "runs" ADD "attempts" JSONB NOT NULL DEFAULT '[]';
        ALTER TABLE "runs" ADD "provider_model" VARCHAR(200);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "runs" DROP COLUMN "attempts";
        ALTER TABLE "runs" DROP COLUMN "provider_model";"""


MODELS_STATE = (
    "eJztWm1v2zYQ/iuEPqVAGtRu7AbFMMBJvTVDEg+ptxYtCoKWaJuwRKoklcTo8t9H0pL17k"
    "pG7KiqP1k+3iNSzx15xyO/Wx5zsCtOhvSOcEY9TKX1Fny3KPKweihqPgYW8v24UQskmrhG"
    "H8eKpgFNhOTI1i+dIldgJXKwsDnxJWFUIz7OMccAgXvGF5gDHlABEAVopl7xVj8RTz0fA4"
    "59JohknGBxDASWgQ9s5nmIOhrgKJHNsRQnuluH2apfQmc76yGg5FuAoWQzLNX7VT9fviox"
    "oQ5+wEL//WJJTNGKsMB3kMQORNL6qtX8BZwS7DopromjVY0cyqVvZBdzxP8wmvqrJtBmbu"
    "DRWNtfyjmja3X10Vqqvgxz3WGCdhq4bmilSLT6BiWQPMDrwTuxwMFTFLjaeBq9GkEssyC8"
    "GY3hh+EYQitn2AiRsEQoshnVTkG0i+jv99ADdDGdybn6+7r7uOon5mGlpTv8d3B78X5we/"
    "S6+0J3yJRnrdzuJmzpmqZH8wok0eolxhoxzbFVqlIdI7aiOyRzzXakEtMdT43t+TY9ginj"
    "YOayCXJBdirWtUT/tIIl+qelltBN2hIx8+a3Bu+R/tM4+W5o39LNu69eVWBXaZXSa9rS/C"
    "ZHlqN5jB9kMc0Z2P7Ytqwdcb2B2vHw01i/2RPim5tk9Oh68MmQ7S3DlqvRzZ+ResICF1ej"
    "8yzxzFaRBZo4UsfBs7gWOnqvkqP3Njh6L+/oJlLnif7rw+immOg1IMOwQ2wJ/gMuEXJnTv"
    "7bNKC2JhFMAuJKQsWJ7u/3Z3B+TdBm58/6uaaMCTnj5i3mBVnnN4kSjBKlOlbJIw/meXLz"
    "qDQA3iEuoMDIxQUpZnlgKIA2eYVKbj6AGjfR3atMHlObL301OnBP5ByodD3M5MECL6tlRv"
    "sOKGp00X4hZ693qkUSDxfbLI3MzqcQehI9NMd4TxLbL6+HH8aD679T9ng3GA91Szdli0h6"
    "1M9MrPVLwMfL8Xug/4LPo5thdq6t9cafLT0mFEgGKbuHyElyEokjUcrMiW1hTTOnkQczN8"
    "7Mepc/XSQ2oFowQfbiHnEH5lpYl5Xp5pu8rpeVIKpSSCdkU48zLNzcBtQqqOdo8fGmOo4u"
    "klSr34woBspB7MDEUDYFCPiceb4Ek2WizELoSyW2sRDg6Gp0Mbh6AdRWVSHWdZmj2+H1aD"
    "x8kS/g7KaLehWcxLqqtL6oyKf+FjWkF2DiHAo+Pyj49KsUfLLTN1Hw6Teu4LOvfEfMUbfX"
    "1xNC5zQTjLjycckWmCoBkiB0RUBkM+o/kki31v54DWiyGZq0MV4ti3Vy/BjRCo73naivw0"
    "BVl14DWkF32qU7VZbyTvlS3uln/dlEdsUenZJZncpCFteMuoLutk11hWizDeslMnlkg49V"
    "nvkYK5O512Q6iWkfxzs5Q9HrcyCgp3YRhcX88kiaR7aB8n0HVMw544pVp1ZUTaPawPuuc3"
    "GOJV+aT8/RfM6YixEtO0lJ4DJETxTw52N6A7Pno9FVysPPL7Mu/M/1+VAlNYZ5pUSkEV/e"
    "jDN8s0D6Qa3MPEYcTmRrLyOISzJFtqx1HpUCNSNlbNVRlFChUQ0RuoQuau2ZMrj2re8qEa"
    "mYy2xMZnLZzLpqCl1mo+KLIRuiaiF6j6uRqeLuyvvTFjirQP9ZKfdnBYWYO+JgXofuJKZ9"
    "Lt6p5OGdDQ7eKax3Gcqg2elsQ3aMbB/lO9kgISmx59cMrAnMIa4+eVy1XUQ87MDJss4MSK"
    "MO3l/J+9XGSGCIH3yi7LHFuX0R/glO7xtmiJ/98P5wFeeXM/PhKs4vYWYh1SZ/KzOnkYc1"
    "u8lWnhJKxHwrM2egBzs3zc4NuVg3wJzYc6vgbl3Ycrzpeh2KdX50wa7csD++wFbr5tklLS"
    "lEF54fEprbr4WO3tx7ZzM9hJfdzumb07PX/dOzY52PK9Fa8mbD5IhK+uX3zO4wFzUrbAlI"
    "C++DdHu9KjuwXq98B6bbMvUHNalqMByqt5DdnRTUVI8SF12WLC/uJCD7r+08T6B8sirOsw"
    "azx/8BKiVylw=="
)
