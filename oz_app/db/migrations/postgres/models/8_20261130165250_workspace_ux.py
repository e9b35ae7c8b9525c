from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "room_readers" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "last_read" BIGINT NOT NULL,
    "draft" TEXT NOT NULL,
    "room_id" VARCHAR(32) NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "user_id" VARCHAR(32) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_room_reader_user_id_ee4657" UNIQUE ("user_id", "room_id")
);
COMMENT ON COLUMN "room_readers"."last_read" IS 'the newest message id seen';
COMMENT ON TABLE "room_readers" IS 'A person''s place in a room: the newest message they have seen (unread counts) and what';
        ALTER TABLE "agents" ADD "provider" VARCHAR(64) NOT NULL DEFAULT '';
        ALTER TABLE "messages" ADD "edited_at" TIMESTAMPTZ;
        ALTER TABLE "tasks" ADD "run_id" VARCHAR(36);
        ALTER TABLE "users" ADD "notify" BOOL NOT NULL DEFAULT False;
        ALTER TABLE "users" ADD "theme" VARCHAR(8) NOT NULL DEFAULT 'auto';
        COMMENT ON COLUMN agents."provider" IS 'the provider key; empty: the harness''s';
COMMENT ON COLUMN messages."edited_at" IS 'when its author last changed it';
COMMENT ON COLUMN tasks."run_id" IS 'the assignee''s run working on it';
COMMENT ON COLUMN users."notify" IS 'browser notifications for mentions and finished runs';
COMMENT ON COLUMN users."theme" IS 'auto (the system''s), light or dark';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "tasks" DROP COLUMN "run_id";
        ALTER TABLE "users" DROP COLUMN "notify";
        ALTER TABLE "users" DROP COLUMN "theme";
        ALTER TABLE "agents" DROP COLUMN "provider";
        ALTER TABLE "messages" DROP COLUMN "edited_at";
        DROP TABLE IF EXISTS "room_readers";"""


MODELS_STATE = (
    "eJztXW132zay/is4uh9i3yPnxk7sZp3enuOkbtfbJPa13e12mx4KEmEJxyTBEqAV7W7/+8"
    "WALyLFF5OySFE0vrQxiQGpByAw88xg5t8Dm5nE4i/PpsQRg1P074GDbSL/kb4xRAPsusvL"
    "cEHgsaVaYmiiLuExFx6eQEd32OJEXjIJn3jUFZQ50PbMQWcXSEmcIozmzLvnLp4Q5HPive"
    "BobzRic4d4o9E+Yh7CsvnVBRLEwY6Qt6kpBalYoL0PVweHR/vvEHMIUm8yhBcw2US+AXWm"
    "DT/ri8MZCKjOkY1NgqiDxIygny8Q5fIJ0AzdecxWV2++/0k2N9W/mfyPh+Z4gTzmO+ZLdP"
    "5APPkHca0FouKLM6UPhEMvGHm+g9idEpswR3jMQq6FHfISfqzv0D98Ygg2JdCl/Mm//TZQ"
    "vwjuqnH8/Xf5L+qY5CvhcB/+dO+NO0osMzXa1AQZdd0QC1dd+zDD3g+qJSA7NibM8m1n2d"
    "pdiBlz4uYSeLgqESEeFsRMTALHt6xwtkSXgpeXF4Tnk/glzeUFk9xh34KpBNLBGyyvDQzj"
    "8+WtcXN+axiDzDSLJBKzIbwkUYQpSmHCwu+38VfDIs5UzOSfr4/+DJ6zxCFoBQ/8+9n1h7"
    "+eXe+9PtqHBzI5z4Pp/zm8c6Ru/am6wAIHnSjUlzAHk6sO1EuJteAOwYzRjpos4V5+qK3j"
    "ffKmAt4nbwrxhluA9xJf9T0GENXAOC21mWldBejBh59vbi8/DVoB+/CkAtiHJ4Vgw6002M"
    "nXyqB9S76KfLRXxFqEuymgS4C9Pf/HLfRsc/6HlQR079PZPxTW9iK88/Hy849R88QAfPh4"
    "+X4F+GhnyqL+t5vLz0VL9lJmBXKTTgT6D7IoF41B/+2d70wAVzT2qSWow1/CY7+rOSSDcD"
    "OV23Ow9XIiZGdTvrr51x4oQK58oFbHBIBkXEw91YvqYHWgOJl4RHCDE2yRnB22+CPJSurv"
    "pPZ34rsmQGPgnB33e3lHUJvkw5+WXP1eQtGX0T92bx8uG4mLT+c3t2efrlLD8f3Z7TncOU"
    "oNRXR1b3XbiDtBv1zc/hXBn+ifl5/PVz+auN3tPwfwTtgXzHDY3MBmEpPocnQpNcrq/zV2"
    "+6h9ex/UDitUEjbm1UE3Fmhxvfqv48nJePKqHT1qU0ZCYjuf5ClQJdbXpHXNidvYkxoyW7"
    "SD8ebnsQTTIZzXgTkh0iLS0T93FGdFD9VBORbogX6TBvfo1asK6MpWhfCqe2l8ifNAPebY"
    "YLDW42yykv0jFDa/NvMFF8Q2XI/Zbo4WWaLArwr2YH63rb97ROqKVDAvx9ItnuhpqR7Anl"
    "lWKq4rpQtLZmXhAgu/1ga5lGgRZGpapC5pADJD4NIdCTNQ/cTzAiV1+ySaXCAeqElq6dhJ"
    "me7Ob8XVRK+K7sniHSJyLVycKndGqF29qMjcNG7neGRNqiAtuQGqoGsmZp+4AuUdq6k4JW"
    "W0ypSvMoFf8e4+1+UVOyTTeP/APEKnzk9koVC/kK+InUkeMRM6on/mZAfB/jOaTdHV5St6"
    "eB47YlOTTP52+YuJCObl2c2Hs+/PBwriMZ7cz7FnGims4Q47YitX4rbZW/aRnTtUHmN2jg"
    "bwCTuLWwb/rThU17KfdRa6rbqCS0ZK/SxjJTAi+pEesdT6H98m9ph4AYzMUyMg974Y3nCM"
    "49EJ7wUuyOCemHnMn84iESPRY+7UkNeNJNTw1mq62NiR/ZrhT/5zuAzqcOktuyfOIC/gI7"
    "o3LI35cKkhoFnVuA80JtiTeoASQhIZpQVAwMXezfmHgzf7EKIRBma48tcyB1tB4yFobHsO"
    "U3f3ZaulSzwd7rHxR3xxgq6gG2za1EGUc5+YL9Glo2I1OOIzfHR8AsEaXFoc8tZgmBuYoe"
    "MwuhWHAeNqzDCf1YE7LdU72DevVWvXzNJyrGS1H5YY7YdZm11bLY9t572wWizMhSG3pnUG"
    "elVW+7K7PNKgf9Q0TxMi2jqtbZ36XBunjxqniSnWsm1absV4gt4FVkfWionulVsxYavKRg"
    "wEXw+RK98DeUSOIRdDdEeBXZYNibSGZkyALeGRO+IROWWiGG4P/iGNOSBETX9CzCCq/PX+"
    "yxw7pqGnPG6W/DaQ3YQjHWETTHXZ8LeVSzBLgta/a3OmdBGr4jR4Xew0eH2iw8q3HFa+Ov"
    "ErR5avCnbXXbOuO7IK2EfFYB9lwIZZnsW4OLI5ar+7Uc2bUHUbiV+GTaemOpoQ6d/KsqmV"
    "POH+9ccWnWQBfs+YRbBT4P+NhVYgHkuppiZ7fKXdef3+8vJjal6/v1iNHPn50/vz671Dhb"
    "psRAPl9OLz7QrW9/Ln1ZnKUfsus1GDpa5ohLoiqIESct8mWZJ8OzEOggqr1rYZC3QZ+jXX"
    "kONKROBxCRF4nCUCfa9W0GXYvH/KSEOxUXD2luQp2MXxfwmRHsDceuRfbIZWjvqLJbTa8b"
    "jaoR0Ha031XaOTVfhAze9oKdLDD6lpOtkLg0KeSCdXDKDpGNZV6eTEFOsSnXy+PCAxyGGU"
    "k7eHZaRy4qBFRV75lxnxSJihhHhA5fI4ucgp/Iva8t9DFEe2U8KHcPTZd9GE2fIXmVylFw"
    "lPDWc55UaeUIVPXvKMiSO1mi/edvhLP/li9UQV+DW12BhbaPVT3D6TrCNimj0fp3OSbMli"
    "k290D15i2EfqTPBVuR5O9EYYH7VT13GTxALd8JPA83rjJ1GKkhEpSnVGJSuph2fjwyPVAO"
    "MBe+vk4ckR7fIKlTQ+kHxvCo+XmjxxJt7ClW+H5lTMVEB7oMnDubxqmlHbG4qmqNYail2j"
    "qDqUo0kP82aHOcOTbYfX+RGH7ESG0gnvDMvYnKlqUz27bZCWDvN7AmTJg5xvVnCNIywQg2"
    "C9vV9uDo731TFo6qm8r5RwNMGet5DXKGSefYfms/DgEQRwZ/icph70xZlhLncLk5jDUAw7"
    "fC4BQFOGYDyQYGg0sgg2R6PwKaORRI3KNyDyWtVQQ00BbZcCghGs6RpIiHRaB1LH9dTXIW"
    "Y4/ETWYX82n03GJK7IOXF24RTSEmH7Fbyp05gx0OQUn8JLHBwdvvnmzdvXJ2/eDmFOyUvx"
    "lW9KAM/G88SrThbR0vCplJyOoKoRQaV18t4qa1t2G3dtOHvtN+4a2DvuOL5wHoIVM2NghH"
    "dKDQyq2lQ+gcQccuBzgricGAe+iyzq3CtXrspPoCpRqGwHh7kni2pKazU+Aj7M8xDW4gDY"
    "XvAgd8Q6muWm/IrF6r3H6kXcRu1b9HwFaU2a4pjTgL+tgPfbQrjfFoXPjWslJkxL6W2ygs"
    "GkFc5noXCSry6V3a0xzGlJPcydHmaVhqLempkQ6XDgUbfMiu1owR/ZlDpnQkCOzzxdOHW/"
    "VCO2oKX8olXTiorxpSO1MjY9kFpsKDhEE+Y74PIckztpSCnFzcWcz5lnQsKuyYxMgDxXCu"
    "9Jjrq8oT6rhEmGXtjasZHv6bSQPMzVqXOYw/AT6S4zHtCGfzk6ev36m6NXr0/eHr/55pvj"
    "t69i/jB7q4xIfH/xIzBbqW8qorqKFepwhCqfHSSdV/JUWo/Tb+EHfqdSR5im/HNiUeVXkn"
    "8Qzr9bx7ppJLCvvmqgVYKOqgQd2bA+yfmNp7m8TXSrdJuyg0Y1NqgJuKNCsZco8uG+4FHt"
    "T64qjEIml72b24PD/VM0BwkqEMeLIP5+xubqbxFE5Hskd9dq4kFfHGlRmcuSpkp6NArO3Y"
    "HfF10I2e/cQaMRZIYnoxE8KCxdavoTwbwX/FTelR+RD65itDfHFKq3Qcj2F2fptgszdwLd"
    "N0QOU49aELE/VF3L17ClEMhDBk64CRVXHTOoqrqvHNfwFqb8kaPR8IszGt1haqlHyq5How"
    "mwqFZ4AVzY0a/H/J4DxxOUaA296eARHxPZo0m5i4Xc4s2X0ElwwHM0+uKoUq1BRlGJcfj2"
    "QQEIYInIVzGMfxMMQHgxcL1Hv8FSVV+ZHCtHPf6Lk6r4ivY8YjOhcJerFYIJWSOtT0gMQ7"
    "IeyOSjBgguRDfi/LNa/+im/iFX0RnzjLo5DFbEOq+PDJdLQPABraOAbJjtCzGse3RjRazL"
    "0K9pvzZVv7ee7yApozmCCpyqTmZQrD83Eckcb7ZVZ3Qs0GbdOaks1QRcyQxRrJENUaBmDV"
    "GsYK2zem8+/4zOJtFsNokdCGt7VXNqv1LHSF3CXIu8i49Kh8GwYLLEl0JjyiTEJVVrSm04"
    "EE5FOOYS62X6eVJqrYFo6VAvmE2hLSstJsbhL0edVgqCn4NCDzQ0bmuNQCs6/XKcgljymk"
    "tRSqjDq5Eap+Bl4ftYjkgUQb7OXrB57UfqOF5OesmSE2CRQHc1n4HiL5L0QlB2ElhcjvYU"
    "sRJF8asBIuZ+tdHQh746s4nvOuub+ghNut4opwR3ppTBICb6Ak5AHbUBktaZyv2LVszS2K"
    "cJoCOMdYSxjjCu7Kr6zAS9oxMc/uyMvyp1f1jmtHISLasfaqTOmH1FUuv2FkrdDsqoDeV/"
    "fWxJDY+DITRexEZRTujxmp1UcW7EFSbBQaWTS237ZKFOOti0DaPzKTedXWfMzBw2pdhIjN"
    "p310bsLDuuFu0M1KUHOCMRfXZTn93UpnUHKpx3bUD7XeK8a2hXNa62WOO81Lq6CmtBX3ns"
    "gZr5qWIybYZlVlZUXdpww+bVC8yFAsqnBPYRcLixkwPysUCEncrfy6AGtQo0P9p/B9Frcw"
    "pXH0AGCYJt1Ud4YpHLnwO5vnLLzbXxzBxDLmG5Qbj078/zaGln7bj+RbyvCfWbKgbGm2L7"
    "4k3GvFDo1MA2at9DcBupi62W5DoAxwI9MOBaOIwxxpwYNWsOJWX6iHIjhYewSw25sK6RuD"
    "Qr2QPQ2+YmbD41LGrTHJO5MKwmJdPZAKe60e8bi1WSCqMpLVpO4FBITqrkQlyzghrcDMdj"
    "UWNi11KPEyI9WCBaKgcnMcPeNGf2loRQJ2R6ALQODOqMPt0n9lJng34Ww6xJak1Sa5K6Hk"
    "kdkrTXUv/10nxofothKUFdl5dW3G5MFAf8MBbq4DKsp2jvhgg4ys2RqwrJBQkFz64u9t+h"
    "0ejyn8bV9eXfL74/vza+/en81++M/x6NQu7YQRhNLMxnedR0W499QqLDbdKkHeKjN0WSlh"
    "St06SpJk01adorlDVp2j9TXZOmmjTdJXA1aapJ036uxJo0XWsodo1N06Rpb4c5w+dtl3y6"
    "wcL3Ck+h5bQaViGhDB4L1I+TDEp8qdPtxERvjv5yijxyB2mjVfwiFMZboKB6PfIdQS00Gq"
    "n/Q/7Aq+uD17l1MjbdveaX0nkiInxfcPSHzwSuXoa2MSKkmHhS41l7aY2E9KqqV9X8VfX/"
    "YOb/zEneWhrfK11B1bdjyNWoRhLaeGmbYMuK85njqRxdLlQUNyxmkCuWWZacBQeBDRl+p0"
    "VL5sZ6/uJ8cS4hyhw64YjLr8hCsgPZcRiMHkphD4LLXXGKmBUGr6s8tShw2cgHB8lnHci0"
    "CqnZg/epfKo4eFtorZOzdyOR0nMKVe/qLplwx8TfR2WHTCzRZeTXpE0ayIWqM95rhWOjCo"
    "dK3pKjbERJXYoVDUjQUNk2k4MnzSKuDDo0JmIOydODVIoqtXyQV30oN3IxU1mRxkz+tOCW"
    "J+id7J7nGWUb61eXNexCrFLZhl4313aPk2w34otOvlkG5mI+fkVMU/K1KXkXA3eUYyuU5b"
    "tYCumMFzUyXnC5XMAqHxZprbqWrIhtJCFRhxbvzSuq2s3UW8VVB23roO3tfz6NBm0nDO7I"
    "SMiJUXgfyv7w0zWxcIECFIJ9Fvazxj7RUbxT60CQQvqpIP2oeunRnEzHwIW14Z4IUqIOXR"
    "9RUmkfIZnb06cTUBjXqqe+giWgON0TUbqVffQJnyeSZcnv1R6Hp2HS6H7CzuKWwX8r7rRn"
    "U7JeSOVWTYSSjVb9LmOFMYx/pQdzTmrwyU86gJF5agzAZXGaLtIVj094T8mE98TMY/50Fq"
    "8OiYHJ3djldSOD9J+PsqDhUlHAhS4XknJGNFq7qhKjcYlI18ITgqCutCpyeRo6KueEx2U7"
    "4dICzfADQRx4zj0/qL+p3Jh8X7GaUPYhhydt4jGqPCc0NBFMeBONfYEcJoKszarEhOnhO1"
    "EY7vKbKu+npgywzU9K9qUdq205VqFQgVGQobVkEFJinY04H+R8DtRU30FFL+tWqgip76wW"
    "axsJaL62fnZiXaii6WzmsC/UhDghoiGuzypFO7EmlcpIpcQky+eUVteJDUCqy6tsJS7Cz4"
    "1nh8vlNoBfNWAdwiPlwEx8FbvA7qBefFCiLVHw5FSq6gfy8kTqImjv4+WHs4/7UAhb5SqY"
    "M++eeGjv+vzT5e15QQTm5h9RL1Iy7c/JFJtP3FY38psvu0sfT4nuJ8NAjKxQ3tNyew8M22"
    "A2PtaWOA/UY469NGIfk4giEh5rxyczYvoWqdgtv6eWZXCXTPJb68CVNkrfliSp6GlUJHjF"
    "j45PotTeY4I9OB0DTvLgjEw4FStXs2vaKa1r5DRdIyfYXeoYokuJXmDcti26C3XkW5vSm6"
    "8SH1DU8qF3dJpF+W83l58Loq5X5FbDWOhEoP8gi/LGeK/Bt3e+MwnCYn1qCerwl/DY77bA"
    "wgBO5TN/dZIP06Eq0MHqzM+qX1U/gaykLjD3OCWTVI2rIp2U6R/GjUThwvrsc8Neevmr7q"
    "RZyT5A3vaGSjyPeRJVs9aumpbqA+5N6+IeEd5C/fQMzI/U+UvIrRf63DGk2wl8Zr5w/Vqa"
    "+VJC+4hqLyNx3GAtrTEp1A2VEZ7XG5WRy60RCEKLOve1bKYVuf6t700l+IrJZ8Niy1LklX"
    "fVXOkWVyNFhjc1+9Mj8LYC/G8LsX+bQ8TENQmrwp2U6d8Ub+TAe5yuqHai3Kxk/yBvxEDC"
    "QhDbrbmxJmT0vrrxfXViYWoT0xjXyriRltKzv9Lsl4YRJwb56lI5HmucrsuT38AZu44NRJ"
    "+O2OmTlM9imHXCzmcxzFxII3+tYU5L6jW7y6N8Rx3KZ2sN84qoHucuj7OEOIz/q2qJLCW6"
    "YYes4xJWZyQ8H04T2URgiHsaImrbvoh4+e6ZKC72wN0r37qmCzMj2D9DZVMRcAmddSUcsw"
    "beOaIa8ccRt2s6LO2nuCrXW30c5tnYaodN3XwkEGe+N6kXaRVLtAjy2dVFOwgfVfEIHxV7"
    "hI/yUwaxWox1QqR/i8Tmfe6BP6UexEkZjfHjGLeapbDT2DYSYJw+61B5KU5J9Q/qw2ru28"
    "My9+1hjvt25SBKZbjTYv3De/PRlVEuDPlfKhaGXw/wfGmN++O4B+fbjBnjtQ7orIj1D+lG"
    "nFfUlGsCsFbMF4ZNHV+QOoULi8TXSibRNfQ3XMBQ+J5Ti5iKBZ7ES7WD6uCOWRabH/hulK"
    "ODDyGlDfPC6JXu8U/BG/suN+aYQnXyGvM+V7a7GVTiweFBIqD5jFoEURGeRA6SFrfzRWTy"
    "HWztLPmZMyEczKj8M+Xx7eEjZ8sNHLaseMh8NIoEpHowGkHRmyV7G3CbQzjsDanxgz8T1y"
    "HRE2dwEHzvw9XB4eH+KZp7VIhsLpymnvPFYbJbOYXUkVLVn6rbE3i2hyCF0dX197Iz2TmG"
    "JUDqngAKACCvzmdMTj7hEQJyzCHIYuzed4tTUiV+B7QJiV+dm6pDeY+Kj1rX5/efSOx3zV"
    "feNM+88nVUNlDSYhrqClCbxJU9V1cT4vbtqQZrqG6HqkamqmSlVv/nqAx8BCdwgSYQ3HtU"
    "DVj6kaslmokctRJ16gWZYGQ3QzUYo1F097d7svj9fx+w5RO5h99RSxCPB5kcYee9J8RV+7"
    "qNBGMF+WYae1Lubh1WP1Md6e1ab9fdWOU6s4f0rwhiZxw98ZJTFdxYoIfwHh1XmbqyVTFd"
    "eHySm6FwO5v0TejByNuk43ulm3TkA6mcCDoSCGvWKVP4RFrCWFq70jImX10vOIaozOXYGI"
    "6yLHGEBSJ4MkOCTu7zSuVt/gFVEsERBxBRXwNU3VWBVFGut9wkcTpd2Zbr7PU1XVlndg5d"
    "yLDZGAFYzgyeWKWrhxOtCPYQ8UYce4lFfsWUKkvlkZBqsYZhtHTvbCaP3cix15tMHruQNL"
    "IxsFtYrXWKvU1M/Uac1gHEa8Ui6RCkR/Tv536IqLOTXp+kaPgkRZIGyOBcfjhyRVQfjuz2"
    "4Ugo+ITXGecVUT3OnR9n7uK5Y6g0mHUskzzZPugMbRspEX9aMwNPSqoPuDdN3UW5NurhnJ"
    "bSOD+Os0568yy2Dp30prfD3BVHbuDSHOT5ccNbw1I3btCouheXTh1iHlBpHXtszqF01s35"
    "h4Pj/XdIlTaTQx64VtlcteXgYGW+AOcqhDrnOm430efjvtpn4nddqVoUlSsiMbgzBhNri9"
    "tgsWtWb4u9XS/T5/TXTe+48cSOepgb1H50kVtd5Lb9b+fpRW63pMoJOU7mD7QgKm95t1yh"
    "U+3kMyuH5r1fQPAbaAhnVxdIYvOg/vSYP52FuhmCygD8FEUFHJDqfohkP4Q4fMaE/GOGHZ"
    "Pd3UmtTODJDKpP8ay21/TDqoTsJWKsfU8uekTH5D27EqLPjG9q/SBCp/Hd/DmEaCGpAXBC"
    "pMuqTly0Z7nmwknkeNldx5DcvM8Vtoi6YadJmS6PQJeCmWxpVQUo1QA6JdRiGIFUkiwa1N"
    "X5HzaRJuGBfBrB9qAV/Jupnkj/RYzxIjevTNmxvrRcZ3NrdPJ4X+LEslRf8nB3sLfIxz2S"
    "WI3/jUZix1aYMgTD8KOYmJDT+P3F57PrX/P9vu9zwpXe/3p7fqY9Zc+FK+qIC+UW8/tBjs"
    "Wtrg/LbG0hW1T2nEzki0IKGIw8xuwXHN1jZ4wdNGbyRp5b5HEB7fPoAh83LLNrdyC4frc1"
    "0uSbZXAuDsxaEevBUYa2Q7KCctx15vZSokW4YY+w2LQm6pEYpN0zXI/BVqdScJnMqVgBom"
    "mT1/Uo86ioFaiVlGlxDGxiUr+u2TWw2HyIAlFAfkans3WQ33DhUcwVS103ZfCKWIc5tYFU"
    "MYID9LRqJsOGD5BIXZPmr++F9m5SpDfW7saSp/aUDVZ1e6IPTerLkN4BEhlD/BCDTA9rTe"
    "fNF4/RFm1fLVod+/nshhls87qL6VKkh1Ze40EuAF8W7tpBLtdhNzsGdtUgl8Qk61KQiwot"
    "yiHbopCjYrINonYqkm03zCaQCnk+Y1HAsIMEU2EnoBBwF0/IO7goBe8FcxE8b6juBymUJ9"
    "hC8MAsL7fhvjWF14XVZlhC4cFQ1XUtJ2V6B/nmo1NcqbTLb8c0ZpjnZAQuK165IthdHm8g"
    "/1i44h0itisWp2iCHYcJuRxM5VqxlmFSiU19XcKmvs6yqR6rR1dH7Vslk+xxWAWjDqlh2q"
    "qABkqIb5dIMilfJ6lUUqzFrFLxlZ1NKwXJluu5YiKBNkNWpKlRe2pLmSCzNF9wQewXfH+I"
    "LDqdCUVYY+++A7NdrnX0LoerLp3rS6Fuz/RBdLRKvXAYcsRVRnAIkVN/QM7RqPY5MFMVT2"
    "C1821oSmqdAdgJrqJGkMVKYiyeF2MWCv7w0zWxcAHDHpp0Z1Oyi5XKigzstBfIpYY6Wflk"
    "kFx6C/30FKfUgvhEqD4n+trdhaQcL5d4nDnYAp/zAzXlX08E7Srs8Crsr6/AAd31VKx6xg"
    "hmaWq5V29gSgFM16qnvoIVJUV4IlCJBAx9QalJaviMeHQyG+SQw+GdYRk9jJdtHuOHi2HY"
    "MBv7XKrsPDEwoZh7fZCrVW7gR0kVkqVID51rR8fHVQ6VHB+X1CE5zoQ0yY+qBsJh8x6ie1"
    "i1ynxZkflMuAdzBMk721qc/zYh0n4C3O3Y0htLdbvVQwV//j9ysIv/"
)
