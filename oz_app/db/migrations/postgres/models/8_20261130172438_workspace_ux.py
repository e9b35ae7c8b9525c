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
COMMENT ON COLUMN users."theme" IS 'auto (the system''s), light or dark';
        CREATE INDEX IF NOT EXISTS "idx_tasks_run_id_633543" ON "tasks" ("run_id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_tasks_run_id_633543";
        ALTER TABLE "tasks" DROP COLUMN "run_id";
        ALTER TABLE "users" DROP COLUMN "notify";
        ALTER TABLE "users" DROP COLUMN "theme";
        ALTER TABLE "agents" DROP COLUMN "provider";
        ALTER TABLE "messages" DROP COLUMN "edited_at";
        DROP TABLE IF EXISTS "room_readers";"""


MODELS_STATE = (
    "eJztXW1z2ziS/iso3YfYV3IuduJM1pmbKifjmfVOEvtsz+7tTqYoSIQllEmCS4BWdLvz3w"
    "8NvogUKZqQRYqm8WUmJtEg9QAEup9udP9r4DKbOPzl6ZR4YnCC/jXwsEvkP/I3hmiAfX95"
    "GS4IPHZUSwxN1CU85iLAE+joFjucyEs24ZOA+oIyD9qeeuj0HCmJE4TRnAV33McTgkJOgh"
    "cc7Y1GbO6RYDTaRyxAWDa/PEeCeNgT8ja1pSAVC7T38fLg8Gj/PWIeQepNhvACNpvIN6De"
    "tOFnffU4AwHVOXKxTRD1kJgR9Os5olw+AZqh24C56ur1j7/I5rb6N5P/CdAcL1DAQs9+ic"
    "7uSSD/IL6zQFR89ab0nnDoBaMg9BC7VWIT5omAOch3sEdewo8NPfrPkFiCTQl0KX/yb78N"
    "1C+Cu2ocf/9d/ot6NvlGONyHP/0765YSx86NNrVBRl23xMJX1z7OcPCTagnIjq0Jc0LXW7"
    "b2F2LGvLS5BB6uSkRIgAWxM5PACx0nni3Jpejl5QURhCR9SXt5wSa3OHRgKoF09AbLawPL"
    "+nJxY12f3VjWoDDNEonMbIgvSRRhilKYsPD7XfzNcog3FTP55+ujP6LnLHGIWsED/3p69f"
    "HPp1d7r4/24YFMzvNo+n+J7xypW3+oLrDAUScK9SXM0eTSgXopsRHcMZgp2kmTJdzLD7V1"
    "vN++qYH32zdr8YZbgPcSX/U9RhBpYJyX2s60rgP04OOv1zcXnwetgH34tgbYh2/Xgg238m"
    "BnX6uA9g35JsrRXhFrEe6mgK4A9ubsf2+gZ5fzfzpZQPc+n/6vwtpdxHc+XXz5OWmeGYCP"
    "ny4+rACf7ExF1P9yffFl3ZK9lFmB3KYTgf6NHMpFY9B/fxt6E8AVjUPqCOrxl/DYHzSHZB"
    "BvpnJ7jrZeToTsbMpXN3/tgQLkqgdqdUwASMbFNFC9qA5WB4qTSUAEtzjBDinZYdd/JEVJ"
    "851ofyehbwM0Fi7ZcX+UdwR1STn8ecnV7yUWfZn84+ntw1Ujcf757Prm9PNlbjh+PL05gz"
    "tHuaFIru6tbhtpJ+hv5zd/RvAn+sfFl7PVjyZtd/OPAbwTDgWzPDa3sJ3FJLmcXMqNsvq/"
    "xm6ftG/vg3rCCpWEjQU66KYCLa5X/3E8eTuevGpHj9qWkZDZzidlClSF9TVpXXPiLg6khs"
    "wW7WC8/XkswfQI5zowZ0RaRDr55xPFWdFDOiinAj3Qb/LgHr16VQNd2WotvOpeHl/i3dOA"
    "eS4YrHqcTVGyf4TC9tdmvuCCuJYfMNcv0SIrFPhVwR7M77b194BIXZEKFpRYuusnel6qB7"
    "AXlpWa60rlwlJYWbjAItTaIJcSLYJMbYfokgYgMwQu3ZMwA9VPgiBSUndPoskF4p7aREvH"
    "zsp0d34rriZ5VXRHFu8RkWvh4kS5M2Lt6kVN5qZxOycgG1IFecktUAVdMzH7xBUo75im4p"
    "SVMSpTucoEfsXbu1KXV+qQzOP9EwsInXq/kIVC/Vy+IvYmZcRM7Ij+lZMnCPYfyWxKri5f"
    "McDz1BGbm2Tyt8tfTEQ0L0+vP57+eDZQEI/x5G6OA9vKYQ132BFbuZK2Ld5yj9zSoQoYc0"
    "s0gM/YW9ww+G/NobqS/Wyy0O3UFVwxUupnWSuBEcmPDIij1v/0NnHHJIhgZIEaAbn3pfDG"
    "Y5yOTnwvckFG98QsYOF0lohYmR5Lp4a8bmWhhrdW08XFnuzXjn/yH8NlUIdPb9gd8QZlAR"
    "/JvWFlzIdPLQHN6sZ9oDHBgdQDlBCSyCgtAAIu9q7PPh682YcQjTgww5e/lnnYiRoPQWPb"
    "85i6uy9bLV3i+XCPrT/iqxd1Bd1g26UeopyHxH6JLjwVq8ERn+Gj47cQrMGlxSFvDYalgR"
    "kmDqNbcRgwrtYM85kO3Hmp3sG+fa3auGaWlmMtq/2wwmg/LNrsxmp5aDvvhdXiYC4suTVt"
    "MtCrssaX3eWRBv1D0zzNiBjrVNs6DbkxTh80TjNTrGXbtNqKCQS9jayOohWT3Ku2YuJWtY"
    "0YCL4eIl++BwqIHEMuhuiWArssGxJpDc2YAFsiILckIHLKJDHcAfxDGnNAiNrhhNhRVPnr"
    "/ZcldkxDT3nYLPltILuJRzrBJprqsuFvK5dglkStfzfmTOUiVsdp8Hq90+D1WxNWvuOw8t"
    "WJXzuyfFWwu+6aTd2RdcA+Wg/2UQFsmOVFjNdHNiftn25U8zZU3Ubil2HT0VRHMyL9W1m2"
    "tZJn3L/h2KGTIsAfGHMI9tb4f1OhFYjHUqqpyZ5eaXdef7i4+JSb1x/OVyNHfv384exq71"
    "ChLhvRSDk9/3KzgvWd/Hk6Uzlp32U2arDUFa1YVwQ1UEIeuqRIku8mxkFQ4Whtm6lAl6Hf"
    "cA05rkUEHlcQgcdFIjAMtIIu4+b9U0Yaio2Cs7ekTMFeH/+XEekBzK1H/qVmaO2ov1TCqB"
    "0Pqx3GcbDRVH9qdLIKH9D8jpYiPfyQmqaTgzgo5JF0cs0Amo5hXZdOzkyxLtHJZ8sDEoMS"
    "Rjl7e1hFKmcOWtTklf82IwGJM5SQAKhcniYXOYF/UVf+e4jSyHZK+BCOPoc+mjBX/iKbq/"
    "Qi8anhIqfcyBPq8MlLnjFzpNbwxbsOf+knX6yeqAK/pg4bYwetfoq7Z5JNREyz5+NMTpId"
    "WWzyje7ASwz7iM4EX5Xr4URvhPFRO7WOmyQV6IafBJ7XGz+JUpSsRFHSGZWipBmerQ+PVA"
    "OsexxskoenRLTLK1TW+EDyvSk8XmryxJsEC1++HZpTMVMB7ZEmD+fy6mlGbW8ohqLaaCie"
    "GkXVoRxNZpi3O8wFnmw3vM7POGYnCpROfGdYxeZMVZv62W2jtHSY3xEgS+7lfHOiaxxhgR"
    "gE6+397frgeF8dg6aByvtKCUcTHAQLeY1C5tn3aD6LDx5BAHeBz2nqQV+9GeZyt7CJPYzF"
    "sMfnEgA0ZQjGAwmGRiOHYHs0ip8yGknUqHwDIq/VDTU0FNBuKSAYQU3XQEak0zqQOq6nvg"
    "4xw/Ensgn7s/1sMjbxRcmJs3NvLS0Rt1/Bm3qNGQNNTvEpvMTB0eGb7968e/32zbshzCl5"
    "Kb3yXQXgxXiedNUpIloZPpWTMxFUGhFURifvrbK2Y7dx14az137jroH9xB3H5959tGIWDI"
    "z4TqWBQVWb2ieQmEcOQk4QlxPjIPSRQ7075cpV+QlUJQqV7eCw9GSRprRR4xPg4zwPcS0O"
    "gO0Fj3JHbKJZbsuvuF69D5hexG3SvkXPV5TWpCmOOQ/4uxp4v1sL97t14XNjrcSEeSmzTd"
    "YwmIzC+SwUTvLNp7K7DYY5L2mGudPDrNJQ6K2ZGZEOBx51y6zYjRb8iU2pdyoE5Pgs04Vz"
    "9ys1Ygdayi9aNa2pGF94Uitj0wOpxcaCQzRhoQcuzzG5lYaUUtx8zPmcBTYk7JrMyATIc6"
    "Xwvi1Rl7fUZ50wydgLqx0b+YFO15KHpTp1CXMYfyLdZcYj2vBPR0evX3939Or123fHb777"
    "7vjdq5Q/LN6qIhI/nP8MzFbum0qorvUKdTxCtc8Oks4reSqtx8n38AN/UKkjbFv+OXGo8i"
    "vJPwjnP2xi3TQS2KevGhiVoKMqQUc2rM9yfuNpKW+T3KrcptyokcYGNQF3VCz2EiU+3Bc8"
    "qf3JVYVRyOSyd31zcLh/guYgQQXieBHF38/YXP0tooj8gJTuWk086KsnLSp7WdJUSY9G0b"
    "k78PuicyH7nXtoNILM8GQ0ggfFpUvtcCJY8IKfyLvyIwrBVYz25phC9TYI2f7qLd12ceZO"
    "oPuGyGPqUQsi9oeqa/karhQCecjACTeh4qpnR1VV95XjGt7Clj9yNBp+9UajW0wd9UjZ9W"
    "g0ARbViS+ACzv59ZjfceB4ohKtsTcdPOJjInu0KfexkFu8/RI6iQ54jkZfPVWqNcooKjGO"
    "3z4qAAEsEfkmhulvggGIL0au9+Q3OKrqK5Nj5anHf/VyFV/RXkBcJhTucrVCMCE10vrExD"
    "Ak64FMPmqA4EJyI80/a/SPbuofchWdscDSzWGwItZ5fWS4XAKiD2gTBWTLbF+Moe7RjRWx"
    "LkO/of3aVP1ePd9BVsZwBDU4VZPMYL3+3EQkc7rZ1p3RqUCbdeeksqQJuJIZolQjG6JIzR"
    "qiVMHaZPXefv4Zk02i2WwSTyCs7ZXm1H6ljpH6hPkOeZ8elY6DYcFkSS/FxpRNiE/q1pTa"
    "ciCcinAsJdar9POs1EYD0dKhXjCbYltWWkyMw1+eOq0UBT9HhR5obNxqjUArOv1ynKJYcs"
    "2lKCfU4dVIjVP0svB9LEckiSDfZC/YvvYjdZygJL1kxQmwRKC7ms9A8RdZeiEqOwksLkd7"
    "ilhJovjVABF7v95omENfndnEnzrrm/sIbbrZKOcEn0wpg0FK9EWcgDpqAyStN5X7F62Zpb"
    "FPE8BEGJsIYxNhXNtV9YUJeksnOP7ZBX9V7v6wymnlZVrWP9RIvTH7hqTWHSyUuh2VURvK"
    "/4bYkRoeB0NovEiNopLQ4w07qePcSCtMgoPKJJfa9clCk3SwaRvG5FNuOrvOmNklbMp6Iz"
    "Fp310bsbPsuFq0C1BXHuBMRMzZTXN205jWHahw3rUB7XeJ866hXde42mGN80rr6jKuBX0Z"
    "sHtql6eKKbQZVllZSXVpy4+b1y8wFwsonxLYR8Dhpk4OyMcCEXYqfy+DGtQq0Pxo/z1Er8"
    "0pXL0HGSQIdlUf8YlFLn8O5PoqLTfXxjNLDLmM5Qbh0r8/z6OlnbXj+hfxviHUb+oYGG/W"
    "2xdvCuaFQkcD26R9D8FtpC62WpJ1AE4FemDAtXAYY4w5sTRrDmVl+ohyI4WHsE8tubBukL"
    "i0KNkD0NvmJlw+tRzq0hKTeW1YTU6mswFOutHvW4tVkgqjLS1aTuBQSEmq5LW4FgUNuAWO"
    "x6HWxNVSjzMiPVggWioHJzHDwbRk9laEUGdkegC0CQzqjD7dJ/bSZIN+FsNsSGpDUhuSWo"
    "+kjknaK6n/Bnk+tLzFsJKg1uWlFbebEsURP4yFOrgM6ynauyYCjnJz5KtCclFCwdPL8/33"
    "aDS6+Id1eXXx1/Mfz66s7385+/sP1n+ORjF37CGMJg7mszJquq3HPiLR4S5p0g7x0dsiSS"
    "uK1hnS1JCmhjTtFcqGNO2fqW5IU0OaPiVwDWlqSNN+rsSGNN1oKJ4am2ZI094Oc4HP2y35"
    "dI1FGKw9hVbSaliHhLJ4KqAfJxmV+FKn24mN3hz96QQF5BbSRqv4RSiMt0BR9XoUeoI6aD"
    "RS/4f8gZdXB69L62Rsu3vDL+XzRCT4vuDonyETuH4Z2saIkPXEkxpP7aU1ETKrqllVy1fV"
    "/4GZ/ysnZWtpeq9yBVXfjiVXI40ktOnSNsGOk+Yzx1M5ulyoKG5YzCBXLHMcOQsOIhsy/k"
    "7XLZlb6/mr99W7gChz6IQjLr8iB8kOZMdxMHoshQMILvfFCWJOHLyu8tSiyGUjHxwln/Ug"
    "0yqkZo/ep/ap4uhtobVJzt6NRErPKVS9q7tkxh2Tfh+1HTKpRJeR35A2aSAXqsl4bxSOrS"
    "ocKnlLibKRJHVZr2hAgobatpkcPGkWcWXQoTERc0ieHqVSVKnlo7zqQ7mRi5nKijRm8qdF"
    "twJBb2X3vMwo21q/pqxhF2KVqjZ03VzbPU6y3YgvOvtmBZjX8/ErYoaS16bkfQzcUYmtUJ"
    "XvYilkMl5oZLzgcrmAVT4u0lp3LVkR20pCog4t3ttXVI2bqbeKqwnaNkHbu/98Gg3azhjc"
    "iZFQEqPwIZb96Zcr4uA1ClAM9mnczwb7REfxzq0DUQrpx4L0s+qlR3MyHwMX14Z7JEiZOn"
    "R9REmlfYRkbo+fTkBhXKme+gqWgOJ0j0TpRvbRJ3weSZZlv1d3HJ+GyaP7GXuLGwb/rbnT"
    "nk7JZiGVOzURKjZa9busFcYw/ZUBzDmpwWc/6QhGFqgxAJfFSb5IVzo+8T0lE98Ts4CF01"
    "m6OmQGpnRjl9etAtJ/PMiCxkvFGi50uZBUM6LJ2lWXGE1LRPoOnhAEdaVVkcuT2FE5Jzwt"
    "2wmXFmiG7wniwHPuhVH9TeXG5PuK1YSyDyU8aROPUeU5oaGNYMLbaBwK5DERZW1WJSbsAN"
    "+KteEuv6nyfmrKANv8qGRfxrHalmMVChVYazK0VgxCTqyzEeeDks+B2uo7qOll3UkVIfWd"
    "abG2iYDha/WzE5tCFU1nM4d9QRPijIiBWJ9VSnZiQypVkUqZSVbOKa2uE1uA1JRX2UlcRF"
    "gazw6Xq22AsG7AOoRHyoGZhCp2gd1CvfioRFum4MmJVNUP5OWJ1EXQ3qeLj6ef9qEQtspV"
    "MGfBHQnQ3tXZ54ubszURmNt/hF6kZN6fUyg2n7mtbpQ3X3aXP56S3M+GgVhFobKnlfYeGb"
    "bRbHyoLfHuacA8d2nEPiSRRCQ81I5PZsQOHVKzW35HHcfiPpmUtzaBK22Uvq1IUtHTqEjw"
    "ih8dv01Se48JDuB0DDjJozMy8VSsXc2uaae0qZHTdI2caHfRMUSXEr3AuG1b9CnUkW9tSm"
    "+/SnxEUcuH3tJpEeW/XF98WRN1vSK3GsZCJwL9GzmUN8Z7Db6/Db1JFBYbUkdQj7+Ex/6w"
    "AxYGcKqe+auTfJgPVYEOVmd+Uf2q+wkUJU2BuYcpmaxqXBfprEz/MG4kChfW55Bb7tLLX3"
    "cnLUr2AfK2N1QSBCyQqNpau2peqg+4N62LB0QEC/XTCzA/UOcvI7dZ6HPHkG4n8JmFwg+1"
    "NPOlhPERaS8jadygltaYFeqGygjP643KyOXWCAShQ707LZtpRa5/63tTCb5S8tly2LIUee"
    "1dtVS6xdVIkeFNzf78CLyrAf+7tdi/KyFi0pqEdeHOyvRvijdy4D1NV6SdKLco2T/IGzGQ"
    "sBDE9TU31oyM2Ve3vq9OHExdYltjrYwbeSkz+2vNfmkYcWKRbz6V47HB6boy+S2csevYQP"
    "TpiJ05Sfkshtkk7HwWw8yFNPI3Gua8pFmzuzzKt9SjfLbRMK+ImnHu8jhLiOP4v7qWyFKi"
    "G3bIJi5hdUYiCOE0kUsEhrinIaKuG4qEl++eieLjANy98q01XZgFwf4ZKtuKgMvorCvhmB"
    "p4l4gaxB9G3NV0WLqPcVVutvp4LHCx0w6buv1IIM7CYKIXaZVKtAjy6eV5Owgf1fEIH633"
    "CB+VpwxiWox1RqR/i8T2fe6RP0UP4qyMwfhhjFvNUthpbBsJMM6fdai9FOek+gf1YT337W"
    "GV+/awxH27chClNtx5sf7hvf3oyiQXhvwvFQsr1AO8XNrg/jDu0fk2a8a41gGdFbH+Id2I"
    "84rack0A1oqFwnKpFwqiU7hwnfhGySS6hv6WCxiKMPC0iKlU4FG8VDuoDm6Z47D5QegnOT"
    "r4EFLasCCOXuke/xS9cehza44pVCfXmPelst3NoJIODo8SAc1n1CGIivgkcpS0uJ0vopDv"
    "YGdnyU+9CeFgRpWfKU9vDx84W27huGXNQ+ajUSIg1YPRCIreLNnbiNscwmFvSI0f/Zm5Do"
    "meOIOD4HsfLw8OD/dP0DygQhRz4TT1nK8ek93KKaSOlKr+VN2eyLM9BCmMLq9+lJ3JzjEs"
    "AVL3BFAAAHl1PmNy8omAEJBjHkEOY3ehvz4lVeZ3QJuY+DW5qTqU92j9UWt9fv+RxH7XfO"
    "VN88wrX0dtAyUvZqCuAbVNfNlzfTUhbd+earCB6naoamSqSlZq9X+OysAncAKv0QSiew+q"
    "AUs/cr1EM4mjVqJOgygTjOxmqAZjNEru/nZHFr//9z12QiL38FvqCBLwKJMj7Lx3hPhqX3"
    "eRYGxNvpnGnlS6W8fVz1RHZrs223U3VrnO7CH9K4LYGUdPuuTUBTcV6CG8R8d1pq5stZ4u"
    "PH5bmqFwN5v0dezBKNuk03uVm3TiA6mdCDoRiGvWKVP4rbSEsbR2pWVMvvlBdAxRmcupMZ"
    "xkWeIIC0TwZIYEndyVlcrb/gPqJIIjHiCivgaouqsCqZJcb6VJ4ky6sh3X2etrurLO7Bym"
    "kGGzMQKwnFk8s0rXDydaEewh4o049jKL/IopVZXKIyPVYg3DZOl+spk8nkaOvd5k8ngKSS"
    "MbA7uF1dqk2NvG1G/EaR1BvFEskglBekD/fu6HiDo76c1JioZPUmRpgALO1YcjV0TN4chu"
    "H46Egk94k3FeETXj3Plx5j6ee5ZKg6ljmZTJ9kFnaNtISfhTzQw8Oak+4N40dZfk2tDDOS"
    "9lcH4YZ5P05llsHSbpTW+HuSuO3MilOSjz48a3hpVu3KhRfS8unXrEPqDSOg7YnEPprOuz"
    "jwfH+++RKm0mhzxyrbK5asvBwcpCAc5VCHUuddxuo8+HfbXPxO+6UrUoKVdEUnBnDCbWDr"
    "fB9a5Zsy32dr3Mn9PfNL3j1hM7mmFuUPsxRW5Nkdv2v53HF7ndkSon5DjZP9E1UXnLu9UK"
    "nWonn1k7NO/DAoLfQEM4vTxHEpt79WfAwuks1s0QVAbgJygp4IBU90Mk+yHE4zMm5B8z7N"
    "ns9lZqZQJPZlB9ihe1vaYfVidkLxNjHQZy0SMmJu/ZlRB9ZnxT6wcROo3v9s8hJAuJBsAZ"
    "kS6rOmnRnuWaCyeR02V3E0Ny+z5X2CJ0w06zMl0egS4FM7nSqopQ0gA6J9RiGIFUkhwa1d"
    "X5LzaRJuGBfBrB7qAV/Jupnkj/j1jjRWlemapjfXm5zubW6OTxvsyJZam+lOHu4WBRjnsi"
    "sRr/m4zEE1thqhCMw49SYkJO4w/nX06v/l7u9/1QEq704e83Z6fGU/ZcuKKOuFBuML8blF"
    "jc6vqwytYWskVtz8lEviikgMEoYMx9wdEd9sbYQ2Mmb5S5RR4W0DB2jYW761NnTyDM/mnr"
    "ptk3K+C8PkRrRawHhxraDs6KCnPrzO2lRItww27hsKkm6okYJOCz/IDBpqeScdnMq1kLom"
    "nj1w8oC6jQCtnKyrQ4Bi6xaahrgA0cNh+iSBSQn9HpbBPkt1yCFHPFV+smD14R6zC7NpDK"
    "RnSUntbNadjwURKpddLy9X2t5ZsV6Y3du7U0qj3lhVUFn+RDk5ozJHqAlMYQScQg58NG03"
    "n7ZWSMbdtX29ZEgT67YQYrXXcxXYr00MprPNwF4CvCrR3uchV388TArhvukplkXQp3UUFG"
    "JbRbEny0nnaD+J2atNs1cwkkRZ7PWBI67CHBVAAKKATcxxPyHi5KwTvBfATPG6r7UTLlCX"
    "YQPLDI0G25bxPA3IXVZlhB4cFQ6TqZszK9g3z7cSq+VNrlt2NbM8xLcgNXlbFcEewujzeQ"
    "fyx88R4R1xeLEzTBnseEXA6mcq3YyDCpxaa+rmBTXxfZ1IDp0dVJ+1bJJHcc18PQITVsV5"
    "XSQBnx3RJJNuWbpJfKirWYXyq98mQTTEHaZT1XTCLQZvCKNDW0p7aUiXJM8wUXxH3B94fI"
    "odOZUIQ1Du46MNvlWkdvS7jqyrm+FOr2TB8kh6zUC8fBR1zlBodgOfUHZB9NqqADM1XzLF"
    "Y734ahpDYZgCfBVWiEW6ykyOJl0Wax4E+/XBEHr2HYY5PudEqeYs2ydQZ23gvkU0udsXw0"
    "SD69gX56ilNuQXwkVF8yfT3dhaQaL58EnHnYAZ/zPbXlX48E7TLu8DLur6/AAd31WKx6xg"
    "gWaWq5V29hSgFMV6qnvoKVpEd4JFCZVAx9QalJaviUBHQyG5SQw/GdYRU9jJdtHuKH18Ow"
    "ZTb2udTbeWRgwnru9V6uVqWBHxX1SJYiPXSuHR0f1zlecnxcUZHkuBDSJD8qDYTj5j1E97"
    "BuvfmqcvOFcA/mCVJ2ynV9JtyMSPupcHdjS28t6e1Ojxf88f+u6Y98"
)
