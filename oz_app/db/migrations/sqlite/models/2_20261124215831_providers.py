from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "providers" (
    "key" VARCHAR(40) NOT NULL PRIMARY KEY,
    "type" VARCHAR(100) NOT NULL,
    "model" VARCHAR(200) NOT NULL,
    "base_url" VARCHAR(2000) NOT NULL,
    "api_key_sealed" TEXT NOT NULL,
    "msg_limit" INT NOT NULL,
    "window_seconds" INT NOT NULL,
    "cli_cmd" VARCHAR(2000) NOT NULL,
    "cli_args" TEXT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
) /* A provider added at run time (Settings page, admin API); ``OZ_PROVIDER_<KEY>_*`` wins on a clash. */;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "providers";"""


MODELS_STATE = (
    "eJztW21v2zYQ/iuEPyVDFiSu7QZdUcBJvdVbEgeJ13YtCoaWaJuwRKoklcTo+t9HypL17k"
    "he7KiqP8Uh7xGl5068F56+NWxmYksc9ugd4YzamMrGK/CtQZGN1Y+s6QPQQI4TTuoBiUaW"
    "J49DQW8CjYTkyNAXHSNLYDVkYmFw4kjCqEZ8mGKOAQL3jM8wB9ylAiAK0ERd4pX+RWz1+w"
    "Bw7DBBJOMEiwMgsHQdYDDbRtTUAFMNGRxLcaiXNZmh1iV0srEVXEq+uhhKNsFSXV+t8/mL"
    "GibUxA9Y6H8/NySmaEGY65hIYhMi2fiixZwZHBNsmTGuialFvXEo5443djZF/HdPUj/VCB"
    "rMcm0aSjtzOWV0Ka4eWo+qJ8NcLxihnbqW5WspGFo8gxqQ3MXLmzfDAROPkWtp5Wn04g7C"
    "sQaEl4MhvOkNIWykFBsgIprwhwxGtVEQbSL6+W30AC1MJ3Kq/n3R/L5YJ+RhIaUXfN+9Pn"
    "vXvd570dzXCzJlWQuzu/Rnmt7Ud+8SSKLFRTxthDSHWilKdYhYi26fzCXbgUhId/hqrM+3"
    "tyIYMw4mFhshCyRfxbKa6LQKaKLTytWEntKaCJn3/pbgPZB/GiPfDO1rmnnz6KgAu0oql1"
    "5vLs5v9M5SNA/xg8ymOQHbHtuNxoa4XkHtsPdxqK9sC/HVijK6d9H96JFtz/2Z88HlH4F4"
    "RANn54PTJPHMUJ4Fen6kjIEncTU09HYhQ2+vMPR22tA9T50m+s+bwWU20UtAgmGTGBL8Cy"
    "wi5MaM/PXYpYYmEYxcYklCxaFe780zGL8maLXxJ+1cU8aEnHDvKt4FksbvBUowCJTKaCWN"
    "3KnnydWjwgB4h7iAAiMLZ4SY+Y4hA1rlHSqafAB130QvryJ5TA0+d9TdgXsip0CF634kD2"
    "Z4Xiwy2rZDUXcX5Aspfb1VM5LYOFtncWTyffKhh8GP6ijvSXx7/6J3M+xeXMX08bY77OmZ"
    "ZkwXweheJ/FiLS8CPvSH74D+F3waXPaS79pSbvipoe8JuZJByu4hMqOcBMPBUEzNkbSwpJ"
    "rjyJ2aK6dmneWPZ5EEVA+MkDG7R9yEqRnWZHmy6Sm7aSdHEFUhpOmzqe/TL9xccXZHTMyv"
    "scF4vNyQLXGwqrrj+LIFSztdEACAYkvtv0jq6gvQJgn2brBU3nYigONVX5BpEwq6V/3938"
    "Dt7eATvLoevO+/7V3D13/1/nkDf7m9Vfs3FUB5agQMC4lputSzlRUfL/3klnh8h1M0P/DF"
    "a1fkaRXJCVr5KUHr6NEij+aqBNOBfJXjmzXJPi6UgR2vyMCO0xmYtzmUIXgJqEF5YQulnB"
    "ESGLq8FMVRTB1ZLkjzSp5TRCOHQLXNrpEdpZE1IH3biY4tJtAiNskIgPs0h/gYJsE5oRur"
    "FBxtys4n+g5+bR63XrZOXnRaJ0rEu8vlyMsVWulfDhOUqpDFVPGpSnFZZj0ml9c0cEdukl"
    "zDItCwSx3URSA12CC2sytrzhCfZFhv/n4cxdSA6F3JqTLx9I9ei9iVnH4KNVek5HTt0kZG"
    "nUkPH6wqLum+nGJ1pQHFQBmI4XrHNmwMkC772I4Eo3mks4fQX9WwgYUAe+eDs+75PmB8Uc"
    "zxW4H2rnsXg2FvP11I2swS5ZqGIvuqkvqsvJj6N2sivgETc9dj9EiPUadIj1Hy9Y30GHUq"
    "12O0rSM2MUXNdke/EPoYbYQRVzYu2QxTNYAk8E0RLJKz5285kkRa5QqBAaDKaqhSL8ZiWy"
    "wTqIeIWnC87UB96QaKmvQSUAu6E8XtIlv5cf5WftxJFQS1Z1fs0TGZpFnOb2ZJ4qrRyqKX"
    "rVMrS9DfAcsFMmlkhTt5n7lzOhG5l2Q6iqkfxxs569H7syugrbKIzP7RfE+aRtaB8m07VM"
    "w544pVs5RXjaPqwPumY3GOJZ97j56i+ZQxCyOa17wbwSWIHingj8f0CmZPB4PzmIWf9pMm"
    "/PfFaU8FNR7zSojIxbFO6qyCudJxS0XmIWJXQC+9jSAuyRgZslQLdAxUjZCxVt3PQrlGdY"
    "vQInRWKmdK4Oq3v2/q6G5ZNYUWM1D2t0grvGomeou7kVfF3ZT1xzVwUoD+k1zuTzIKMV7n"
    "Yxm6o5j6mfhGOt8CymDpFrg0sn6UbyRBQlJi2ynpWCOYnV99cr9qWIjY2ISjUv3McdTO+g"
    "tZv0qMBIb4wSFKH2uc22fhn+D0vmKK+NEP73etOD+dmnetOD+FmoVUSf5aao4jd3t2lbU8"
    "JpSI6VpqTkB3eq6anivSWNfFnBjTRkZvnT9zsKq9DoUyjzXY5Sv2f3z6mHWMmPspQub5Yc"
    "bnB76hV7fv7Ek+P8jvM7vDXJSssEUgNewHabbbRTKwdjs/A9NzyW/EnDIM++I1ZHcjBTW1"
    "osRZzZL5xZ0IZPu1nedxlE9WxXlWZ/b9PxXBTBc="
)
