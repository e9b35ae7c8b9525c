from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "gathers" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "lead_id" VARCHAR(32) NOT NULL /* the agent that asked */,
    "depth" INT NOT NULL,
    "delivered" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "room_id" VARCHAR(32) NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE
) /* An agent asked several agents at once (WS-5): their replies carry this id; when the last */;
        ALTER TABLE "messages" ADD "asked_by" BIGINT /* the message whose mention asked for this reply */;
        ALTER TABLE "messages" ADD "extra" TEXT NOT NULL /* what the reply's prompt adds (the answers gathered) */;
        ALTER TABLE "messages" ADD "gather_id" VARCHAR(32) /* the gathering this reply answers */;
        CREATE INDEX "idx_messages_state_abe507" ON "messages" ("state", "room_id", "agent_id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_messages_state_abe507";
        ALTER TABLE "messages" DROP COLUMN "asked_by";
        ALTER TABLE "messages" DROP COLUMN "extra";
        ALTER TABLE "messages" DROP COLUMN "gather_id";
        DROP TABLE IF EXISTS "gathers";"""


MODELS_STATE = (
    "eJztXWtz2ziy/Sso3Q+xb8mpxK94nalUORnPrHeSONf27OydyRQFibCEMgVwADCKajf/fd"
    "HgQ5RIMYQsyTSNL4lFoEHyAAS6D7ob/+6MuU8C+fxsSJjqnKJ/dxgeE/3HfEEXdXAYzi7D"
    "BYX7gamJoYq5hPtSCTyAhm5xIIm+5BM5EDRUlDOoe8bQ2QUyEgijSBKBJFEoCl8j8oWIKR"
    "IkDKaIKjSkX4hEVOpqImKI3yI1ImjAmRI8QGGAGXkO9/T5QN+UsuFmmo8Y/SsinuJDoisI"
    "fZM//ujwCdN/6lID1p9/6r8o88lXIqEcfoZ33i0lgT8HKfVBxlz31DQ0196NsPjJ1IR36X"
    "sDHkRjNqsdTtWIs6y6flW4ql+QCKyIn0OaRUGQdEl6KX54fUGJiGQP6c8u+OQWRwH0F0jH"
    "TzC71vG8j5c33vX5jed1Cn2ZSuTwTy5pFGEcUBgV8P5j/NULCBuqkf55sP8tvs8Mh7gW3P"
    "CfZ1fv/n52tXOwvws35HowxWPsY1Kyb4q+mSawwnEjBvUZzOZ/C6DT+uuBOr0ww3r2KWwd"
    "7OPDGmAfHy4FG4oA7Bm4GjYubNDNBLYHb+d/jgbH/cGLzqMa0Ll5Qt/PaqZI6m8RYTnGQu"
    "lZcbodjNc/jjWYjEhpA3NOZItIp38+UpyNvmCDciawRYy3A+7+ixc10NW1lsJryubxJewL"
    "FZyNtcbj2ekXRcmVEE80iWauf+ufm+VUKjL2QsHHoSrCfUO+qnK4C4ItGN8V4N6c/+sGWh"
    "5L+VeQB3Xnw9m/DN7jaVLy/vLjz2n1XCe8e3/5dgF8rb1zSRUXU5uBPi/VAtgL00rNeaVy"
    "YinMLFJhFVktkDOJLYJM/YBYAm1kumD3MQ0z4gIRIWIl1Rb8l8c1oH95vBR4KFpQsAUBiD"
    "xcMrv8qEsUHZMlmvac5EIX+Ino8/SPR2jbVE03Fx/Or2/OPnyam3N+PLs5h5L9ufkmvbqz"
    "2C1ZI+i3i5u/I/iJfr/8eG7g5FINhbnjrN7N7x14Jhwp7jE+8bCfxyS9nF6a62ZDIViu2H"
    "mZFhqr61msgX25vSslBjLaZh7wn7ggdMh+IVMD+4V+RMwGZZRAwon9KsljRPtbOp7SqzPt"
    "TeBJxlfNDTP98vqViYpH5tn1u7MfzzsG4z4e3E2w8L05sKGE7/OFK1ndYtF4f1zaV4Lzcc"
    "ni8wGz6Q2Hf2v21ZVu59ExZhU9ZV7LWyBp05cUJDArQFZMxn0iYhi5MD1wR6YZvEkfZ72T"
    "lBn6NClTI8Gj4SgV8XItlg4Nfd3LQw1PbYbLGDPdrp+88rfujGAO6Q2/I6xTRj6nZd1K/j"
    "mknoJqdTlo1CdYEIGMENLIGO737NMF2rk+f7d3uHuakMfPJAr123KGg7hyF5SFHcZN6a6u"
    "pQjDMT8+z0Ov/RafWdwUNIP9MWWIShkR/zm6ZIbRlkiO8P7RMXDaUiu7umgJf+3o6kbR1a"
    "ZfvRGWIxu456VaB/v6iSi3KzAzWmoZjC8r7MWXRXPR2S3fW85bYbcEWCpPL02rdPSi7Bq6"
    "umHsY5t6GvQPSwM1J+K4ZGvzNJLbtE4bhnVd4zQ3xLZsm1ZbMULR29jqKFoxaVm1FZPUqm"
    "3EgI9KF4X6OZAgug+lAstBIx3Blg4KBfejAfGRNhUwAuOtxF1mxUacUdGEqaTKqLjTr2kD"
    "dFq/ydpuZzZYvZLB2gz6XlEVWNkZmUCToV9xnB/VMjSOKgyNo6KhEQkrf4Kkutv2q7ntBy"
    "6QyddUd2s7J9ICmLe+qR0xSzV7JtFCLbvOjHywfEY+cBuqT9NcNdsTlt/RTKSFi+/G7VWR"
    "7Drd015ddYeuGd/Odw3W3CBrksF6PvP+65TYrPnibpXZmvMirGm5/qYtRqKtyQkXd0SAF4"
    "5EmMVBG6fwFx3rv7soc9uiRHYhjCMK0YCP9Rv5IODrS3qCVrJo1m7kDt+3ef/ozHYDo9BP"
    "l44/nS38wBtsWa/UtskyiQYrWOaOZmt5GPA+DtDip+j23Bq0Gm/E+Tv/ZAWYl9trC2LOZr"
    "O22fQT3QEPDeuIzQBflGvhQN8I52NW6iLQ/7i+/Fjh811mtdGBQv9BAZVqY4P8h9uIDQBE"
    "1I9ooCiTz+F+bx5g8ANA1YN/cZx35y0zaGBx8BtFyUsVJZteKUq67ll792g1wPuChfQkwQ"
    "EpUTGXLwwlok2eofLGB9LPTeH2WpMnbCCmoX46NKFqZFzmYk0egYdjIxcUR1Kt1BWPjaTK"
    "mYWW3Twv6bq5cd1cIMoehtf5GSfsRIHSSUq6VWzO0NSpn8sjybQh7wiQJV/0eAviaxJhhT"
    "gbELTz2/Xe0e4pzMJUmPwblEg0wEJM9TUqEfVfo8kocW0GF7ECn7OpG31mIyz1auETv5uI"
    "YSYnGgA05Aj6AymOer2AYL/XS+7S62nUqH4Coq/tOneIR0EBQQ9abg7kRBqtA5mAAPN1qB"
    "FOPpFV2J/1h0r7JFQlPu0XbCktkdRfwJuyjRkDmxziQ3iIvf2Xh68OTw6OD0+6MKb0pezK"
    "qwrALz7eFNBMZp0iom8516OVLUM1J7eAbF8Lbgra7Mp2dYW3l5fv59SEtxeL6vevH96eX+"
    "28NCNZV6LxfkwRcaeTt1ZZcxvHbuPYbRyvZGBcsC/xjFkwMJKSSgODmjq1fZw5I3uRJEjq"
    "gbEXhSig7M5s5ZoIyDH2SRxP+XK3zLnZUtqp8SnwSSRpkhQRYHsm4+jUVTTLde0rLlfvBb"
    "fzuU3rb3HnKw6c3hTHPA/4SQ28T5bCfbLMga5vlXVnXsotkzUMJqdwPgmFk3wNqW5uhW6e"
    "l3Td3OhuNoGudnNmTqTBjkfNMiseRgt+z4eUnSlFIJlfiS48V16pEQdQU3/RpmpNxfiSaa"
    "2MD/cgKi8W7KIBjxhsefbJrTakjOIWYiknXPiQEmQwIgMgz43Ce1yiLq+pzTpukskurLVv"
    "5Fs6XEoelurUJcxh8ok0lxmPacO/7e8fHLzaf3FwfHJ0+OrV0cmLjD8sFlURiW8vfgZma+"
    "6bSqmuivBBYjVvJdWbrOSZwOHTH+AF30DUoJ7I9c9BQM2+kv5BpHyzinWzEcc+e9XAqQQN"
    "VQkasmB90OMbD0t5m7Socpkax5UsFqgBbEclYs9Ruof7TKZnMEjgZ8zhCzvXN3svd0/RBC"
    "SoQhJPY//7EZ+Y3yr2yBekdNXaxI0+M21R+ehW8LFZ9ox0rxdH3sG+L7pQut0JQ70epD0l"
    "vR7cKDlDwo8Giotn8lSX6o8ogq1itDPBVEG+Ub2WfmazbbskNxjQfV3EuLnVlKjdrmlaP8"
    "ZYC4E85PiCQn2fSH+LAk3wdNdsXMNT+Pole73uZ9br3WIamFvqpnu9AbCoQXIBtrDTt8fy"
    "TgLHw2GhTnfTYUe8T3SLPpUhVnqJ959DI3GIZ6/3mZkzM+KcZRrj5Onj7MbAEpGvqpu9E3"
    "RAcjHeek/fITDHb3DdV8zc/jObO3oD7Qgy5srgrmcrBAOyvn6R8staJ9Blf5i8tGbopAVZ"
    "hjunfzRT/9Cz6IgLzzaLwYJY4/WR7mwKiD+gVRSQNbN9CYa2oRsLYk2GfkX7df3hMflEm7"
    "VxHrp8/VacqktnsFx/3oQnc7bY1h3RmcA2D1XRypIl4EamizKNrItiNauLMgVrldl7/Rlo"
    "XD6JzeaTeARubS8sh/YLE0YaEh4G5HUWKp04w4LJkl1KjCmfkJDUPTBhzY5wxsOxlFiv0s"
    "/zUit1xJaCesFsSmxZbTFxCb+YiVaKnZ/jVNI0MW6temArOv2sn2JfcsupaE6owbOR6af4"
    "YeH7mPVI6kG+ylqwfu1H6zgC2+g+mUBzNZ+O4S/y9EJ8phKwuBLtGGIl9eI3HUT83Xq94Y"
    "K+GrOIP3bW1zmYOgdT52C60k7FR67oLR3g5LUL2xVz5d2qPQuWq1k/po2yPv+KtNIlpkbb"
    "is/p6Op/IxzoBV6CHtyfZjpx6SnUKzVSh9vOzjCC/QmXW+ihA8seYG5vtrm9dhXWJdTddH"
    "KVPvdLjOnlNkJav7kmQmPJUTNpF6CujN9LRVzongvdc5aVO0TzoW0rd4hmLePqAQ/RrLSu"
    "PiWHDX4S/Av1yzOFFOp0q6ys9PhCONrcVK9/gkkiYLYUwD4CCi/juCEdBzhYmfStHA45NH"
    "7G+7uvwXlpQuHqF5BBiuCxaSMJWJP6dSDVU+mBJ9u4Z4khl7PcwFv2z6cZWdhYO659Ds8r"
    "Qn1Yx8A4XG5fHBbMC4OOBbZp/RaCu5GDF82UbANwJtACA24Lvvh9LIlneehMXqaNKG/k5B"
    "k4x1lPrCvkrSxKtgD0bXMTYzn0AjqmJSbzUq+KOZnG+rfYOj+vzVVFK4y+tmglgZiAkky5"
    "S3EtCjpwCxxPQL3B2Eo9zom0YILY0nlgGjMshiWjt8KDNifTAqCdX0hj9Ok2sZcuGfCT6G"
    "ZHUjuS2pHUdiR1QtJeaf1XzPOh5TW6lQS1LS9tuN2MKI75YaxM3CrMp2jnmiiI5JUoNOeI"
    "xfnkzj5d7L5Gvd7l796nq8t/Xvx4fuX98Mv5/7/x/rfXS7hjOEV7EGA5KqOmt3Xbe+S5e0"
    "iatEF89LpI0oozyxxp6khTR5q2CmVHmrbPVHekqSNNHxO4jjR1pGk7Z2JHmq7UFY+NTXOk"
    "aWu7ucDnPSz5dI1VJJZGoZXU6tYhoTyZCdj7ScYnPJngZuKjw/2/nSJBbiFrsPFfhHPRpi"
    "g+vBxFTNEA9Xrmf0gf9+lq76D0mIR1N+/4pfk0ASm+zyT6K+IK1z+FdGNEyHLiyfSn9dSa"
    "CrlZ1c2q5bPq/8HI/1WSsrk0K6ucQc234+nZyCIHaTa1DXAQZOms8VD3rlTGixsmM0gVyo"
    "NAj4K92IZMvtNlU+baWv7MPrNL8DKHRiSS+isKkG5AN5w4oydSWIBzeahOEQ8S53WTphTF"
    "Wzb6xnHuUQaJNiEzd/w8taOK46eF2i43dzPy6DwlV/WmrpK57Zjs+6i9IZNJNBn5FWmTDa"
    "TCdAnPncKxVoXDJG8pUTbSpC7LFQ1I0FDbNtOdp80iaQw61CdqArmz40x6JrN4nFa7qxdy"
    "NTLZr/tcv1pcJBS91c3LMqNsbe26U+2a4KtUtaDbplpucY7ljexF55+sAPNyPn5BzFHy1p"
    "R8iIE7KrEVqvJdzIRcxguLjBdSTxcwyydndNadSxbE1pKQqEGT9/oVVbfN1FrF1TltO6ft"
    "h/98Nuq0nTO4UyOhxEfhbSL70y9XJMBLFKAE7LOknRYBPjcRxCmE74vSz6aVtmKUng12T5"
    "By55C1ESUF523dE6Ib3Uab8LknAZQfgnC8egm6HzCb3nD4t+bqcTYkq7kJPqjaW7F4mPfy"
    "Fliw7C0FjDmtleYTmsYwcmH6AGj40/lzh7L+ScqMTFKmRoJHw1F62ct1TOlipa97BaS/VT"
    "N7UalHBlzuVvJ6UV2XC9jg0504iAz7xm/hwLs4x3wuZe8pomxPXx7oaQvtvL98d/Z+F07y"
    "MtE2Ey7uiEA7V+cfLm/Ol+whrv8Wdnt98xZJ4bS8XLEpKFZ3zOE2jp6piBJq6bYU0BL7R8"
    "dpbrU+wQLck4CliJ2UkqGIYh/6h2cFXJLiTScpjidHG/52JtEKjLdN3j6Gc9y2F4O49lPa"
    "Yn1K3/SWDoso/+P68uOSbe8FuUUekQ4U+g8KqNyYRd754TZig3hfMqKBokw+h9u+eYBtC8"
    "CpeuQvDvLuPFcIDSyOfMK+UMHZ2P5wzqKky/D//Qz/sYFih3Repn0Yb2QbFObnSHrjGctS"
    "dyUtSrYB8m0vqEQILjSqvtWqOi/VBtw3rYsLosTUvHoB5u8ctJCTW23vuWFIb2fnmUcqjK"
    "w085mEc6qwnkayjRsrrTEv1AyVEe7XGpVR6qVRP6IXUHZnZTMtyLVvft9UhHXGnXoBn50F"
    "V3tVLZXe4mxkuNxNjf75HjipAf/JUuxPSoiY7FCIunDnZdo3xDcScZDFi1pnKipKtg/yjR"
    "hIWCkyDi0X1pyMW1fXvq4OAkzHS057r8pYkpdyo7/W6NeGkSQe+RpS3R8ruDeWya/BybFh"
    "HdEmH0fnyvokutllTHkS3SyVNvJX6uZ5STdnN7mXbymjcrRSNy+Iun5uWj83JHD2OuakOi"
    "UudmlRt8rNLuG0akfQSjpkxN+j2oYRfAInMpozF492X8fZLXSXGy8gXWjqSjiKkUcKcmNz"
    "NiBl0bNradNFzpa7Y6V+WCQDd8SDOOHmQ+3+LHeRc0pua+fLeTp4Vbt17Rar6+YN2jLSOi"
    "ovJ9JCx7SNB+VF0sXkfT8mLzfImnSOigkXKtHj0jCi5UqcCVaqq8ENIPOIiUmAkI9nEt1h"
    "1scsTklSmtzkuwJO92rCvFClWDmX9027vLu8JQ/o+h6VbANW+75H287cDmtEwIeWqKdiXU"
    "SZFwoO6pmEoDKfM7KKDbd+3/hQUC6ostrzy8tssQ/GxKfR2LYLAj7polgUkB/R4WgV5Nfs"
    "2YGloU2IpYK9INbg7dZOGleJ4kd9eNd3bR/R8vl9aTLVvIg736Rwvomje54ED+D2NJ9CN5"
    "sMAnarUU6khXbGxukekWRHvSfdkyZZfWRg16V7coOsSXSPIdlK6J6UfFtO9wB/VZPuueZj"
    "oi0FNBnxdOuMIcXNfhCkpJAhHpDXcFEL3ikeIrhf15SDHDhcBwhuWGSG1ty2I5GaMNt0K0"
    "gk6Crb9Ld5mdZBvv5wuFDbZ/rb8b0RliMri3pRsLlMUkf/mIbqNQJf7OkpGmDGuNLTwVDP"
    "FStZerX4vIMKPu+gyOcJbkeYpvW3SmdAtiZb9OODyLlAOfGHpTJ8KgEH29zDeTGXfdgiBt"
    "SZ3at0wKOwxyy80haym9w7teiqmfia0ePV2SDh9G3jSHVvlEJ6k6bvbgTLul6c9DpOb2kc"
    "o3lfqD7m2mrruAq1IccZDrw0DPC+oH1KGvyUi+FsI3AmieU9sWoZ7VEW4n5fiHIuxG1BaZ"
    "OUzhkRdDDqlJA6SUm3itbBszrf43WWw7BmFuWpnBJ4zy2t5ZwJHAtlme4gJ9JCUnz/6KhO"
    "OOzR0fJwWChb2AzXH5UFwkn1FqK7kewG+o6KlGWuXR5pnxPZfqD9w9iHawupf9DIom//Bc"
    "Y46zM="
)
