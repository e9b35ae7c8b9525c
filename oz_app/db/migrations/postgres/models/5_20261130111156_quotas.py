from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "provider_saturations" (
    "key" VARCHAR(100) NOT NULL PRIMARY KEY,
    "until" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "provider_saturations"."key" IS 'the provider''s quota key';
COMMENT ON TABLE "provider_saturations" IS 'A provider that answered 429: refused for every tenant until ``until`` (PR-3).';
        CREATE TABLE IF NOT EXISTS "quota_uses" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(100) NOT NULL,
    "tenant" VARCHAR(64) NOT NULL,
    "at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_quota_uses_tenant_7bd080" ON "quota_uses" ("tenant", "key", "at");
COMMENT ON COLUMN "quota_uses"."key" IS 'the provider''s quota key';
COMMENT ON TABLE "quota_uses" IS 'One provider call counted against a tenant''s rolling-window quota (PR-3).';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "provider_saturations";
        DROP TABLE IF EXISTS "quota_uses";"""


MODELS_STATE = (
    "eJztXWtz2ziy/Sso3Q9xbsmpxK9knalUKRnPrncS29f27O6dR9GQCEsokwAHAOOodvPfFw"
    "AfIsWHCZmSaBpfEplAg+QB2Og+aDT+PfCpizz+ajRFRAyOwb8HBPpI/sgXDMEABsHisrog"
    "4NjTNaGqoi/BMRcMTlRDt9DjSF5yEZ8wHAhMiao7ImB0CrQEgCDkiAGOBAiD9wB9RWwOGA"
    "q8OcACTPFXxAHmshoLCaC3QMwQmFAiGPVA4EGCXql7unQib4rJdD3NhwT/GSJH0CmSFZi8"
    "yW+/Deg9kT9lqQbrjz/kL0xc9A1xVa7+DO6cW4w8NwcpdpWMvu6IeaCvfZpB9pOuqd5l7E"
    "yoF/pkUTuYixklaXX5quqqfEHEoEBuBmkSel7cJcml6OHlBcFClD6ku7jgolsYeqq/lHT0"
    "BItrA8c5O792rk6uHWdQ6MtEIoN/fEmiqMYBVqNCvb8PvzkeIlMxk3/u732P7rPAIaqlbv"
    "iP0eWnv40ud/b3XqobUjmYojF2Fpfs6aLvugkoYNSIRn0Bs/7fAOikfjtQJxcWWC8+hY2D"
    "fXTQAOyjg0qwVZECewGuhI0yE3RTgc3BO/ifw8nRePJ68KQGdEZPyPsZaYq4/gYR5j5kQm"
    "rF+WYwbn8cSzAJ4twE5ozIBpFOfj5RnLW9YIJyKrBBjDcD7t7r1w3QlbUq4dVleXwR+YoZ"
    "Jb60eBwz+6IouRLisSXRzfmvfd3M51wg3wkY9QNRhPsafRPlcBcEezC+a8C9PvnXtWrZ5/"
    "xPLwvqzpfRvzTe/jwu+Xx+9tekeqYTPn0+/7gEvrTeKceCsrnJQM9L9QD2glppqFdqFUtB"
    "s3ABRWg0QS4kNggydj1kCLSWGSq/j0iYAWUAMRYZqabgvzlqAP2bo0rgVdGSgc2QgsiBJd"
    "rlR1kisI8qLO2c5FIXuLHoq+THE/Rt6tTN6ZeTq+vRl4uczvlxdH2iSvZy+ia5urPcLWkj"
    "4J+n138D6k/w6/nZiYaTcjFl+o6Lete/DtQzwVBQh9B7B7pZTJLLyaVcN2sKwXDGzsr00F"
    "ltZ7JW7MvtXSkxkNI2ecB/ogzhKfkZzTXsp/IRIZmUUQIxJ/YLR08R7e/JeEquLqw3Bu9T"
    "vio3zOTLy1dGIhqZo6tPox9PBhrjMZzc3UPmOjmwVQndo0tX0rrFIn/PL+0rRqlfMvl8gW"
    "R+TdW/DfvqUrbz5Bizmp7Sr+UskbTJSzLk6RkgLUb+GLEIRsp0D9yheQpv3Mdp78Rlmj6N"
    "y8SM0XA6S0ScTIulQ0Ned7JQq6fWw8WHRLbrxq/8fbggmAN8Te8QGZSRz0nZsJZ/DrAjVL"
    "WmHDQYI8gQA1oISGQ09zu6OAU7Vyefdg9eHsfk8QsOAvm2lEAvqjxUxsIOobr0pawlEIER"
    "P57noVu/xe8kako1A10fE4A5D5H7CpwTzWhzwGdw7/BIcdpcGruyqIK/tnR1p+hq3a/ODP"
    "KZCdx5qd7B3j4RZVcFFk5LI4fxTY2/+KboLlq/5aHpvBd+iwe5cOTUtEpHL8u20NUdYx/7"
    "1NPK/jB0UDMilks2dk9DvknvtGNYN3VOM0Nsw75pvRfDBL6NvI6iF5OU1Xsxca3GToyKUR"
    "mCQD4HYEj2IRfKc5BIh2pJBwSMuuEEuUC6ChAo560kXGbFRqxT0QVVUudU3MnXNAE6qd9l"
    "a3ewGKxOyWDtBn0vsPCM/IxUoMvQrzjODxs5Goc1jsZh0dEImVE8QVzdLvs1XPZTIZDx19"
    "R0aTsj0gOYN76oHRJDM3sh0UMru4lG3q/WyPt2QfV5uqt6ecLwO1qI9HDyXbu/yuJVp0f6"
    "q6uu0HXj23nQYc0Msi45rCeL6L9Bic+aLR7Wua2ZKMKGnus/pceIpDd5T9kdYioKhwNIok"
    "0bx+oX9uXvIUjDtjDiQ7WNIwzAhPryjVwl4MpLUkELXnRr13KHh33e3waL1cAwcJOp4w/r"
    "C295gS3tlcY+WSrRYQNL31EvLU89OoYeWP4U7Zpbh2bjtQR/Z5+sAHO1v7YkZn02Y59NPt"
    "Gd4qHVPGIywJflejjQ18L56Jm6CPTfr87PamK+y7w2PBHgP8DDXKxtkP9wG5KJAhGMQ+wJ"
    "TPgrdb8PWxj8CqD6wb88zod5z0w1sDz4taHkJIaSSa8UJW33tN490gxwvkLGHY6gh0pMzO"
    "qJoUS0yxoq63wA+dxY3V5a8ohM2DyQTwfusZjpkLnIkgcqwrGTE4olqVbqiqdGUmXcQsNu"
    "zkvabu5cNxeIsu3wOqdSJWqCqUDpxCXDOjYH6zqNQxAoQbshl9oVT8luGMh5m9xppkUHKP"
    "vQRVG485uXZbEHhtI26CABPg70jnOWKNhe8Ch4fJtufzUBw6jZknhSf4OOabSvYV0mYB7w"
    "dw3wflcJ97uq9a2x0abYvFSXrbwt84rWRnsGk3fOf/oWYNncCt2cl7Td3Olu1nHoZjozI9"
    "LhdYFuLRdvxwr+TKeYjIRAKtdGiS2cK6+1iD1VU37RumpDw/icSKuMTndV0GwkOAQTGhLF"
    "SIzRLWVIG24B5PyeMlft2JvM0OROFmuD96jEXG6pzSarmDFJYrx0+RFPT0kFs1RqU2NSYP"
    "niT6S7a5dT9Qi7f9nb299/u/d6/+jd4cHbt4fvXr+TdfXzFove1nxYH0//enq2xA+pCw9E"
    "9yIjvRVX77KRp+P6j39QL/hBBfVKRS7/nHhYZ3KUfyDOP6zi3axl3c3cNLAmQUdNgo5MWF"
    "/k+IbTUt4mKaqdpvyoksEENZlBAWKx92l4zAuepEjl4J5hOdPIAq63l6s0qbJhBH0Odm5u"
    "oiDUm5uKuard5ptMW0k4mpxq7LzVzXlLfn0zyhzTzSlLYp2fx4ZxBmI5j0VZ31aZuFpmiW"
    "IMTSNylsS6DP2Kfk/7UU/Z/CmNcZ7aNIxGXJzdpbLZBWqV289Ic6QCm8yVS4lxLkAlM4wt"
    "Dwn4ULaLPeRK71qFrXtxGMT2NxbabULr3SbkokCUZOCptAzT+g8bh22N79eGQ/u1jg4OEA"
    "28jA0uf/B7pLBeXJLmuPwMgItQgJrmwYwsyr03B28P3u0fHaSGZHqlzn5MbEW7uvIMfGy7"
    "Tctu07LbtFbihc6owLd4AuPXLpBDufJhHUNEMjWbH9aDyZh+A3KKYHM9mURJC4fy3xB63h"
    "xwNXuM5+lMUnokz0qNNKF80oSucgYwZX2ebvxPZzdabUG3d9tIbd3ttdlF1r3TZEzdkrW1"
    "alYhqW8phRVOc4BlbDylHoKkalsPLNMVYymzLrjTK5tF/OP5+ecc4h9PlyH95cvHk8udNx"
    "p+WSkK+7WeVVtD/ql5VvZEAXuiQEedqy2eKFDrXV3EmdcvGP2KXe1kFDysQp1hnZeV5HJX"
    "5zzp6s3TOcYCmojTJ5fKbx+5Se54LAvuSZTLgqqM7zqqa+/le3WY6T1WV78qGSAQ9HUb8f"
    "YALl9H7Xsrzf64iXvWn6CqYpPsAard8uP6F162ItQHTRyMg2r/4qDgXmh0DLBN6vcQ3LVk"
    "obfHTa438nEMOXIMM3BmZfqI8lrScKpDbaRiXWETf1GyB6Bvmpvw+dTxsI9LXObKFeGcTG"
    "dXhU1DBltb4JUGoys9Wo7kfcrShlTiWhS04BY4Hg87E9/IPM6I9EBBbCg5ssQMsmnJ6K2J"
    "O8vI9ABomxmlM/Z0n9hLmxnlWXSzJaktSW1JajOSOiZpL6X9y/J8aHmNYS1BbcpLa243JY"
    "ojfhgKvV1L6VOwc4WEkPhzEOikylH2ntHF6cv34Obm/Ffn4vL8H6c/nlw6P/x88v8fnP+9"
    "uYm5Y3Wk0MSDfFZGTW/qto/IKrRNmrRDfHRbJGlNAmdLmlrS1JKmvULZkqb9c9UtaWpJ06"
    "cEriVNLWnaT01sSdOVuuKpsWmWNO1tN3ckL1FCLV1BEbLKXWgltYZNSCiHpwLmcZJCZRiK"
    "9jIjFxzs/eUYMHSrcjTq+EX0FbE5iE5yAiER2AM3N/r/mxuwc3G5u1+alLrt5i2/tOg8na"
    "AwxvcFB3+GVMDmRzKsjQipJp50fxqr1kTIalWrVcu16v+pkf8LR2W6NC2r1aD623GkNjLI"
    "+Jaqtgn0vDR5KJzK3uVCR3ErZaZStFHPk6NgN/Ih4++0SmW21vLv5HdyrqLMVSMccPkVeU"
    "A2IBuOg9FjKchUcHkgjgH14uB1ri9GSzauyiinVA2R3oXOgxo9zwqnONpMqF3PKNe/UPWu"
    "zpJbPE+za7Pg2hPI2fSy1uBo1eDQyVtKjI0kqUu1oaESNDT2zWTnSbeIw+h0PSTuESJx/i"
    "l9nrLO7sGH0bFsKunrmMpXi4qYwLey+ZLjnFts154h1IVYpboJ3R4ZbI8M7iUlH0DFHZX4"
    "CnX5LhZCNuOFQcYLLtWF0vLxiWhNdcmSWCsJiTqkvNs3VO0yU28NVxu0bYO2t//5rDVoO+"
    "NwJ05CSYzCx1j2p58vkQcrDKAY7FHcTo8Azwd4xaeMPBKmzIkmfURJQH73WIiuZRt9wueR"
    "5EZ2CKqDWkvQ/QLJ/JqqfxtqxtEUrRYCt1WTrkYx6vdylhie9C2ZGnPS4som64xgpEz3ga"
    "KYj/MnUaT9E5dpmbhMzBgNp7PkspPpmFJFLK87BaS/17NWYWm0gbo8rOWswqbhBGrxSnbi"
    "JNTMEr0FUFHvfpBLR3sMMNmVlydSbYGdz+efRp9fqrNd9E6Se8ruEAM7lydfzq9PKtbH2r"
    "+F2TpW3tpWByQNwW+LExoyxbqgWN2yYps4jKBmB0xPl1yWjjIfI+mAs+go8ygAJx6KIIoP"
    "377HaxPwrjsBb6QcTbjJhUQvMN40MfkUTvbZ3P661s/tiewpedNbPC2i/Per87OKJd0luW"
    "WODE8E+A/wMF+btzn44TYkk2jNLcSewIS/Urf9sAVKXuFUP/KXB/kwz4OpBpZHPiJfMaPE"
    "Nz+urShps9c/nL0+clDMkM7K9A/jtSzxKf0ccsdfsCxNZ9KiZB8g3/SEihijTKLqGs2qea"
    "k+4L5uW5whweb61QswP3CIQEZutXXVjiG9mVVVGoogNLLMFxI2YMBYjaSLEkZWY1aoGyaj"
    "ul9vTEYup0b5iI6HyZ2Rz7Qk1z/9vq7dwyl36nh0cc5Z41m1VHqD2khzuesa/Ws9MTzIHH"
    "jQFO6sTP+G+Fqi6dO9kMZZeIqS/YN8LQ4SFAL5geHEmpGx82rr8+rEg9hHrjM22s6Tl7Kj"
    "v9Hol44RRw76FmDZHyuE7pXJtxDA17GO6FP8ng3TfBbdbLOBPItu5kI6+St1c17S6uwu9/"
    "ItJpjPVurmJVHbz13r545sCr2KOKlBSYhdUjSsC7OLOa3Gu0M5nhLk7mLpwzB6r04b1OcJ"
    "Hr58H2VukF2uo4Bkoa7L1TGDNBQq7zMlE1S2M7SVNu2u0PJwrCQOC6XgzqgXJZPc1upPdY"
    "icNXJ7qy/zdPCqfmvrHqvt5jX6Mtx4x1lGpIeBaWvfcBZyu9/s4f1mmUHWpTNC9HahEjsu"
    "2UZUbcTpzUpNLbiJyqqh9ySoLR8vOLiDZAxJlG6jNHHHgwLW9uqCXqgzrGzI+7pD3m1Oji"
    "2Gvocly4D1se/hprOSqznCo1ND1BOxIcDECRhV5hlXm8pcStAqPlz7sfEBw5RhYbTml5XZ"
    "YB/4yMWhb9oFHr0fgkhUIT/D09kqyLcc2QG5pk2QoYG9JNbh5dZBsq8SRI+6/dB36R/hcv"
    "1emSg0K2LP7iic3WHpnmfBA9g1zefQzTqDgNlslBHpoZ+xdrqHxZk/H0n3JAlEnxjYTeme"
    "zCDrEt2jSbYSuich36rpHsVfNaR7rqiPpKcA7mc0WTojQFC9HqRSUvAATtB7dVEK3gkaAH"
    "W/oS5Xcirg2gPqhkVmqOW2LYnUBW0zrCGRVFeZpnbNyvQO8va3wwXSP5PfjuvMIJ8ZedTL"
    "gt1lkgbyj3kg3gMViz0/BhNICBVSHUylrljJ02vE5+3X8Hn7RT6PUTPCNKm/UTpDZWsyRT"
    "86ZJsykBHfLpXhYq5wMM2rmxWzmXUN9oBat3uVDngS/phBVNpSdpNHp81cNRNfN3q8Phuk"
    "OllaB1I9GqUAXyepqTvBsraLk5zH8S2O9mg+FqqzTFt9HVeBdOQogZ6TbAN8LGgXcYMXmT"
    "2cfQROJ7F8JFY9oz3Ktrg/FqJMCHFfUFonpTNCDE9mgxJSJy4Z1tE6cFHnIV6nGoaWWZTn"
    "cgLeI5e0qjkTdeSRYbqDjEgPSfG9w8Mm22EPD6u3w6qypcVw+VEZIBxX7yG6a8luIO8oUF"
    "nm2uqd9hmRzW+0345/2NqW+q3uLPr+X2vWamA="
)
