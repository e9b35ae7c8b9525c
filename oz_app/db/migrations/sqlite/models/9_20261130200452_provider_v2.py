from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# Hand-edited after aerich: the new columns get defaults (existing rows), and the cli provider's
# cli_cmd/cli_args move into "settings" (PL-5), and back on a downgrade.


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "providers" ADD "settings" JSON NOT NULL DEFAULT '{}';
        ALTER TABLE "providers" ADD "settings_sealed" TEXT NOT NULL DEFAULT '';
        UPDATE "providers" SET "settings" = json_object('cli_cmd', "cli_cmd", 'cli_args', "cli_args") WHERE "cli_cmd" <> '' OR "cli_args" <> '';
        ALTER TABLE "providers" DROP COLUMN "cli_cmd";
        ALTER TABLE "providers" DROP COLUMN "cli_args";
        ALTER TABLE "personal_providers" ADD "settings" JSON NOT NULL DEFAULT '{}';
        ALTER TABLE "personal_providers" ADD "settings_sealed" TEXT NOT NULL DEFAULT '';
        UPDATE "personal_providers" SET "settings" = json_object('cli_cmd', "cli_cmd", 'cli_args', "cli_args") WHERE "cli_cmd" <> '' OR "cli_args" <> '';
        ALTER TABLE "personal_providers" DROP COLUMN "cli_cmd";
        ALTER TABLE "personal_providers" DROP COLUMN "cli_args";
        ALTER TABLE "runs" ADD "input_tokens" BIGINT;
        ALTER TABLE "runs" ADD "output_tokens" BIGINT;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "providers" ADD "cli_cmd" VARCHAR(2000) NOT NULL DEFAULT '';
        ALTER TABLE "providers" ADD "cli_args" TEXT NOT NULL DEFAULT '';
        UPDATE "providers" SET "cli_cmd" = COALESCE(json_extract("settings", '$.cli_cmd'), ''), "cli_args" = COALESCE(json_extract("settings", '$.cli_args'), '');
        ALTER TABLE "providers" DROP COLUMN "settings";
        ALTER TABLE "providers" DROP COLUMN "settings_sealed";
        ALTER TABLE "personal_providers" ADD "cli_cmd" VARCHAR(2000) NOT NULL DEFAULT '';
        ALTER TABLE "personal_providers" ADD "cli_args" TEXT NOT NULL DEFAULT '';
        UPDATE "personal_providers" SET "cli_cmd" = COALESCE(json_extract("settings", '$.cli_cmd'), ''), "cli_args" = COALESCE(json_extract("settings", '$.cli_args'), '');
        ALTER TABLE "personal_providers" DROP COLUMN "settings";
        ALTER TABLE "personal_providers" DROP COLUMN "settings_sealed";
        ALTER TABLE "runs" DROP COLUMN "input_tokens";
        ALTER TABLE "runs" DROP COLUMN "output_tokens";"""


MODELS_STATE = (
    "eJztXW1z2ziS/iso3YfYV3IudmJP1pmbKifjmfVOEvtsz87uJlMUJEISyiTBIUArur3574"
    "cGX0SKLyZlUqJpfEksEs2XByDQ/XSj+98Dm5nE4i/PZsQRg1P074GDbSL/SJ8YogF23dVh"
    "OCDw2FItMTRRh/CYCw9P4EJTbHEiD5mETzzqCsocaHvmoLMLpCROEUYL5t1xF08I8jnxXn"
    "C0NxqxhUO80WgfMQ9h2fzqAgniYEfI09SUglQs0d6Hq4PDo/13iDkEqScZwgOYbCKfgDqz"
    "lu/11eEMBNTFkY1NgqiDxJygXy8Q5fIO0AxNPWarozc//iKbm+pvJv/x0AIvkcd8x3yJzu"
    "+JJ38Q11oiKr46M3pPOFwFI893EJsqsQlzhMcs5FrYIS/hZX2H/uETQ7AZgUvKV/7yZaDe"
    "CM6qfvz9d/kXdUzyjXA4Dz/dO2NKiWWmepuaIKOOG2LpqmMf5tj7SbUEZMfGhFm+7axau0"
    "sxZ07cXAIPRyUixMOCmIlB4PiWFY6W6FDw8PKA8HwSP6S5OmCSKfYtGEogHTzB6tjAMD5f"
    "3ho357eGMcgMs0giMRrCQxJFGKIUBiy8v42/GRZxZmIuf74++jO4zwqHoBXc8O9n1x/+en"
    "a99/poH27I5DgPhv/n8MyROvWnugQWOLiIQn0FczC46kC9ktgI7hDMGO2oyQru1Ye6dbxP"
    "3lTA++RNId5wCvBe4au+xwCiGhinpZoZ1lWAHnz49eb28tNgK2AfnlQA+/CkEGw4lQY7+V"
    "gZtG/JN5GP9prYFuFuC+gSYG/P/3ELV7Y5/8NKArr36ewfCmt7GZ75ePn556h5ogM+fLx8"
    "vwZ8tDJlUf/bzeXnoil7JbMGuUknAv0fsigXrUH//dR3JoArGvvUEtThL+G2P9TskkG4mM"
    "rlOVh6ORHyYjO+vvjX7ihArryj1vsEgGRczDx1FXWB9Y7iZOIRwQ1OsEVyVtjijyQrqb+T"
    "2t+J75oAjYFzVtwf5RlBbZIPf1py/XsJRV9Gfzy9dbisJy4+nd/cnn26SnXHj2e353DmKN"
    "UV0dG99WUjvgj67eL2rwh+on9dfj5f/2jidrf/GsAzYV8ww2ELA5tJTKLD0aFUL6v/a6z2"
    "UfvtfVBPWKGSsDGvDrqxwBbnq/84npyMJ6+2o0c1ZSQklvNJngJVYn1Ntq45cRt7UkNmy+"
    "1g3Pw4lmA6hPM6MCdEtoh09OcTxVnRQ3VQjgV6oN+kwT169aoCurJVIbzqXBpf4txTjzk2"
    "GKz1OJusZP8IhebnZr7kgtiG6zHbzdEiSxT4dcEejO9t6+8ekboiFczLsXSLB3paqgewZ6"
    "aVivNK6cSSmVm4wMKvtUCuJLYIMjUtUpc0AJkhcOmOhBmofuJ5gZK6exJNThD31CS1dOyk"
    "THfHt+JqokdFd2T5DhE5Fy5PlTsj1K5eVGRuWrdzPLIhVZCWbIAq6JqJ2SeuQHnHaipOSR"
    "mtMuWrTOBXnN7lurxih2Qa75+YR+jM+YUsFeoX8hGxM8kjZkJH9K+cPEGw/4xGU3R09Yge"
    "XsSO2NQgk+8u35iIYFye3Xw4+/F8oCAe48ndAnumkcIazrAjtnYkbps9ZR/ZuV3lMWbnaA"
    "CfsLO8ZfBvxa66ltfZZKLbqSu4pKfUaxlrgRHRS3rEUvN/fJrYY+IFMDJP9YBc+2J4wz6O"
    "eyc8F7ggg3Ni7jF/No9EjMQVc4eGPG4koYanVsPFxo68rhm+8p/DVVCHS2/ZHXEGeQEf0b"
    "lhacyHSw0BzarGfaAxwZ7UA5QQksgoLQACLvZuzj8cvNmHEI0wMMOVb8scbAWNh6Cx7TlM"
    "nd2XrVYu8XS4R+O3+OoEl4LLYNOmDqKc+8R8iS4dFavBEZ/jo+MTCNbg0uKQpwbD3MAMHY"
    "fRrTgM6Fdjjvm8Dtxpqd7B3rxWrV0zK8uxktV+WGK0H2Ztdm21PLSc98JqsTAXhlyaNuno"
    "dVnty+5yT4P+UdM8TYho67S2depzbZw+aJwmhtiWbdNyK8YTdBpYHVkrJjpXbsWErSobMR"
    "B8PUSufA7kEdmHXAzRlAK7LBsSaQ3NmQBbwiNT4hE5ZKIYbg/+kMYcEKKmPyFmEFX+ev9l"
    "jh3T0l0eNku+DORlwp6OsAmGumz4Ze0QjJKg9e/anCmdxKo4DV4XOw1en+iw8h2Hla8P/M"
    "qR5euC3XXXbOqOrAL2UTHYRxmwYZRnMS6ObI7aP92o5iZU3Vbil2HRqamOJkT6N7M0NZMn"
    "3L/+2KKTLMDvGbMIdgr8v7HQGsRjKdXWYI+PbHdcv7+8/Jga1+8v1iNHfv30/vx671ChLh"
    "vRQDm9+Hy7hvWdfL06Qzlq32U2arDSFY1QVwQ1UELu2yRLku8mxkFQYdVaNmOBLkO/4Rxy"
    "XIkIPC4hAo+zRKDv1Qq6DJv3TxlpKTYK9t6SPAW7OP4vIdIDmLce+ReboZWj/mIJrXY8rH"
    "Zox8FGQ/2p0ckqfKDmd7QS6eGH1Dad7IVBIY+kkysG0HQM66p0cmKIdYlOPl9tkBjkMMrJ"
    "08MyUjmx0aIir/zbnHgkzFBCPKByeZxc5BT+orb8e4jiyHZK+BC2PvsumjBbvpHJVXqRcN"
    "dwllNu5Q5V+OQVz5jYUqv54l2Hv/STL1Z3VIFfM4uNsYXWP8XdM8k6Iqbd/XE6J8mOLDb5"
    "RHfgJYZ1pM4AX5fr4UBvhfFRK3UdN0ks0A0/CdyvN34SpSgZkaJUp1eykrp7Gu8eqQYY99"
    "jbJA9PjmiXZ6ik8YHkc1O4vdTkiTPxlq58OrSgYq4C2gNNHvblVdOMtr2gaIpqo654ahRV"
    "h3I06W5utpszPNlueJ2fcchOZCid8MywjM2ZqTbVs9sGaekwvyNAltzL8WYFxzjCAjEI1t"
    "v77ebgeF9tg6aeyvtKCUcT7HlLeYxC5tl3aDEPNx5BAHeGz2nrRl+dOeZytTCJOQzFsMMX"
    "EgA0Ywj6AwmGRiOLYHM0Cu8yGknUqHwCIo9VDTXUFNBuKSDowZqugYRIp3UgtV1PfR1ijs"
    "NPZBP2p/lsMiZxRc6OswunkJYI26/hTZ3WjIE2h/gMHuLg6PDNd2/evj5583YIY0oeio98"
    "VwJ4Np4nnnWyiJaGT6XkdARVjQgqrZP3Vlnbsdu4a93Za79x18B+4o7jC+c+mDEzBkZ4pt"
    "TAoKpN5R1IzCEHPieIy4Fx4LvIos6dcuWq/ASqEoXKdnCYu7OoprRW4yPgwzwPYS0OgO0F"
    "D3JHbKJZNuVXLFbvPVYv4jZqv0XPV5DWpC2OOQ342wp4vy2E+21R+Ny4VmLCtJReJisYTF"
    "rhfBYKJ/nmUnm5Dbo5Lam7udPdrNJQ1JszEyIdDjzqllmxGy34I5tR50wIyPGZpwunzpdq"
    "xBa0lF+0alpRMb50pFbGZgdSiw0Fh2jCfAdcnmMylYaUUtxczPmCeSYk7JrMyQTIc6Xwnu"
    "Soyw1ds0qYZOiFrR0b+Z7OCsnDXJ06hzkMP5HuMuMBbfiXo6PXr787evX65O3xm+++O377"
    "KuYPs6fKiMT3Fz8Ds5X6piKqq1ihDnuo8t5B0nklT6X1OP0eXvAHlTrCNOXPiUWVX0n+IJ"
    "z/sIl100pgX33VQKsEHVUJOrJgfZLjG89yeZvoVOkyZQeNaixQE3BHhWIvUeTDfcGj2p9c"
    "VRiFTC57N7cHh/unaAESVCCOl0H8/Zwt1G8RROR7JHfVauNGXx1pUZmrkqZKejQK9t2B3x"
    "ddCHndhYNGI8gMT0YjuFFYutT0J4J5L/ipPCs/Ih9cxWhvgSlUb4OQ7a/Oym0XZu4Eum+I"
    "HKZutSRif6guLR/DlkIgDxk44SRUXHXMoKrqvnJcw1OY8iVHo+FXZzSaYmqpW8pLj0YTYF"
    "Gt8AC4sKO3x/yOA8cTlGgNvengER8TeUWTchcLucSbL+EiwQbP0eiro0q1BhlFJcbh0wcF"
    "IIAlIt/EMH4n6IDwYOB6j97BUlVfmewrR93+q5Oq+Ir2PGIzoXCXsxWCAVkjrU9IDEOyHs"
    "jkozoIDkQn4vyzWv/opv4hZ9E584y6OQzWxDqvjwxXU0DwAW2igDTM9oUY1t26sSbWZeg3"
    "tF/bqt9bz3eQlNEcQQVOVSczKNaf24hkjhfbqiM6Fthm3TmpLNUEXMkMUayRDVGgZg1RrG"
    "BtMns3n39GZ5NoN5vEEwhre1VzaL9S20hdwlyLvIu3SofBsGCyxIdCY8okxCVVa0o1HAin"
    "IhxzifUy/TwptVFHbGlTL5hNoS0rLSbG4ZejdisFwc9BoQcaGre1emArOv2qn4JY8ppTUU"
    "qow7OR6qfgYeH7WPVIFEG+yVrQvPYjdRwvJ71kyQ6wSKC7ms9A8RdJeiEoOwksLkd7iliJ"
    "ovhVBxFzv1pv6E1fnVnEnzrrm/oITbpZL6cEn0wpg0FM9AWcgNpqAyStM5PrF62YpbFPA0"
    "BHGOsIYx1hXNlV9ZkJOqUTHL52xl+VOj8sc1o5iZbVNzVSZ8y+Ial1e0ulbgdl1IbyXx9b"
    "UsPjYAiNl7FRlBN6vOFFqjg34gqT4KDSyaV2vbNQJx1s24bR+ZTbzq4zZmYOm1JsJEbtu2"
    "sjdpYdV5N2BurSDZyRiN67qfduatO6AxXOu9ah/S5x3jW0qxpXO6xxXmpdXYW1oK88dk/N"
    "/FQxmTbDMisrqi5tuGHz6gXmQgHlUwL7CDjc2MkB+Vggwk7l72VQg1oFmh/tv4PotQWFo/"
    "cggwTBtrpGuGORy9eBXF+55ea2cc8cQy5huUG49O/Pc2tpZ+24/kW8bwj1myoGxpti++JN"
    "xrxQ6NTANmrfQ3BbqYutpuQ6AMcCPTDgtrAZY4w5MWrWHErK9BHlVgoPYZcacmLdIHFpVr"
    "IHoG+bm7D5zLCoTXNM5sKwmpRMZwOc6ka/NxarJBVGU1q0nMCmkJxUyYW4ZgU1uOvgciJg"
    "P03dDNSxTDdyT29SQnUA3nV47hfBHqTorYbgUQJ40N7Vx4NjabSEeY+lnaK2NSG6apyYLL"
    "uXxDrnIauuBTmi3V0Mkj0Z9tWqMzEcg3dAEcbdWzQ00bpRVzw1olUnrn4W3az5dM2naz69"
    "Hp8e8snXUlX30tRtfothKZdel0JXNHTMaQdUNhZqjzXMp2jvJlQnkKtq3gW5D8+uLqRyOB"
    "pd/su4ur78+8WP59fG97+c//MH4z9Ho5DmdhBGEwvzeR6Lvq3bPiIn4y4Z3Q5R503xuSX1"
    "9TS/q/ldze/2CmXN72p+NyOjKUjN72p+V/O7mt/V/O5A87t9Iv40v9vbbs5Qj7vlyW6w8L"
    "3CvX05rYZV+DKDxwL1o0+DwmkqZ4Cci98c/eUUeWQKybhVVCiUG1wiQRzsCOQ7glpoNFL/"
    "Q1bGq+uD17nVR5q+vKbC0tk3InzlyvqHzwSuXty3Nc6mmCNT/Vl7ao2E9KyqZ9X8WfV/YO"
    "T/ykneXBqfK51B1bdjyNmoRmrfeGqbYMuKs8TjmexdLlRsPExmkIGXWZYcBQeBuRt+p0VT"
    "ZmNX/up8dS4hdh8uInVs+RVZ0jLi8sJhiH8oBRbTHXHFKWJWuCUgMKMC75IJGjpMNQ7kr4"
    "WE98HzVN6rHTwttNYp77uRnuo5bQDo6iqZ8BzF30dl31Es0WXkN+TdW8gwq+sIaIWjUYVD"
    "pcTJUTaiVDnFigakvahsm8nOk2YRxwGXSsQCUtIHCSpVwv4gW/1QLuRirnJNjZl8teCUJ+"
    "hUXp7nGWWNXVcXi+xCWFXZgl43g3mPU5e34jZPPlkG5mL6fk2su9R9Z/24LgbuKMdWKMsi"
    "shLSeURq5BHhcrqAWT4sfVt1LlkTayTNU4cm7+YVVe1m6q3iquPLdXz57j+fVuPLEwZ3ZC"
    "TkRK28D2V/+uWaWLhAAQrBPguvs8E60VG8U/NAkJj7sSD9rK7SozGZDtcLK+49EqREdb8+"
    "oqSSaUKKvMcPJ6AwrtWV+gqWgJJ/j0TpVl6jT/g8kixLfq/2ONy4k0b3E3aWtwz+rbjSns"
    "3IZtGfOzURShZa9V7GGmMYv6UHY05q8MlPOoCReaoPwGVxmi59FvdPeE7JhOfE3GP+bB7P"
    "DomOyV3Y5XEjg/SfD7Kg4VRRwIWuJpJyRjSau6oSo3HhTdfCExXviVXp0NPQUbkgPC6GCo"
    "eWaI7vCeLAc+75QVVT5cbk+4rVhGIaOTxpG7dRRU+hoakiIk009gVymAhyYavCHaaHp6Iw"
    "3OWLKpqohgywzY9KoaYdq9tyrEL5B6Mg721JJ6TEOhscP8j5HKipvoOKXtad1GZS31kt1j"
    "YS0Hxt/ZzPuvxH2zniYV2oCXFCRENcn1WKVmJNKpWRSolBls8prc8TDUCqi9bsJC7Cz41n"
    "h8PlNoBfNWAdwiNlx0x8FbvAplIjDwvfJcrInEpV/UAenkhdBO19vPxw9nEfyourtAoL5t"
    "0RD+1dn3+6vD0viMBs/hb1IiXT/hzZ0bLtl1WR4MRpdSK/+epy6e0p0flkGIiRFcq7W+7V"
    "A8M2GI0PtSXOPfWYY6+M2IckooiEh9rxyZyYvkUqXpbfUcsyuEsm+a114Mo2CgqX5NPoaV"
    "QkeMWPjk+ihOljgj3YHQNO8mCPTDgUK9cIbNsprSsPtV15KFhd6hiiK4leYLxtWzRe2SpH"
    "skQCvYB7Laa9ylR+WDyVH2ZqwwcUtbzplM6yKBenLViXe7qpC5oY+a1kHMiqX1U/gaykLt"
    "v3MCWTVI2rIp2U6R/GrUThwvzsc8NeefmrrqRZyT5Avu0FlXge8ySqZq1VNS3VB9zb1sU9"
    "IrylevUMzA9UT0zIbRb63DGktxP4zHzh+rU085WE9hHVnkbiuMFaWmNSqBsqI9yvNyojl0"
    "sjEIQWde5q2Uxrcv2b39vKEBmTz4bFVgXeK6+qudJbnI0UGd7W6E/3wNsK8L8txP5tDhET"
    "V3qsCndSpn9DvJUN73G6oto5fbOS/YO8FQMJC0Fst+bCmpDR62rj6+rEwtQmpjGulXEjLa"
    "VHf6XRLw0jTgzyzaWyPzbYXZcn38Aeu451RJ+22OmdlM+im3XCzmfRzVxII3+jbk5L6jm7"
    "y708pQ7l8426eU1U93OX+1lCHMb/VbVEVhLdsEM2ymYP0T6eD7uJbCIwxD0NEbVtX0S8fP"
    "dMFBd74O6VT13ThZkR7J+h0lQEXEJnXQvHrIF3jqhG/GHE7ZoOS/sxrsrNZh+HeTa2tsOm"
    "Nh8JxJnvTepFWsUSWwT57OpiOwgfVfEIHxV7hI/yUwaxWox1QqR/k0TzPvfAn1IP4qSMxv"
    "hhjLeapbDT2LYSYJze61B5Kk5J9Q/qw2ru28My9+1hjvt2bSNKZbjTYv3Du/noyigXhvyX"
    "iqXh1wM8X1rj/jDuwf42Y854rQ06a2L9Q7oV5xU15ZwArBXzhWFTxxekTo3FIvGNkkl0Df"
    "2Gay1Sx5Ugqb1YefmhypKlrEl2GN1B8JQoWReBI8gxMkTsnngq4XccRMRVOZEghqareTyC"
    "mMuN+i0j+uQ6buExQXJ7rstdJnwvr6uKKeBY4FEM8JY6asosiy0OfDfKhsOHkDyKeWGcWP"
    "eY3uCJfZcbC0yhMGeNFSZXtru5iuLO4UHKrcWcWkR+OuGXQyrWim1i7clkFtlZ1oYzZ0I4"
    "EBb52Rvi08MHsjgYOGxZMZ3DaBQJSEV8NILyUis/SeBFGEJaBZjZgp+J45BSjTNIubD34e"
    "rg8HD/VM6GVIhs1qm27vPVYfKycgipzdvqeqpCVhBDMgQpjK6uf4QKxh7kjmCetPIAFABA"
    "Hl3MmRx8wiME5JhDkMXYne8WJ39LvAe0CV0sOgtch5a54qQG9T1pj3ShdS0qpW2PztrXUZ"
    "kKSItpqCtAbRJXXrm6mhC3355qsIHqdqiq0SoVW83+z1EZ+AjhFgWaQHDuQTVgFbFRLaVT"
    "FBIhUadekHNJXmaoOmM0is5+uSPL3//7Hls+kWv4lFoCLKC9aOW9I8RV67qNBGMFmZ1au1"
    "Puah3WGVQX0su1Xq67Mct1Zg3pX7nRzrhU4ymnKrixQA/hPTquMnRlq2Ji/vgkNxfobhbp"
    "m9BXmLdIx+dKF+nI21g55XokEFaHVKbwibSEsbR2pWVMvrlesOFXmcuxMRzlM+MIC0TwZI"
    "4EndzlFaVs/gZVUi4SBxBRXwPUt1Yhi1FWxdx0jDox4I4rWvY1MWBnVg5dMrTdaByYzgye"
    "mKWrB+6tCfYQ8VZc6IlJfs2UKkuak5DaYrXQaOp+sjlznkY2y97kzHkK6VlbA3sLs7VOZt"
    "nE0G/FaR1AvFHUnw72e0D/fu7b9To76PWepZb3LCVpgAzO5duQ10T1NuRub0OG0mp4k35e"
    "E9X93Pl+5i5eOIZKOFvHMsmT7YPOsG0jJeJPa+a6Skn1Afe2qbsoq009nNNSGueHcdbppZ"
    "7F0qHTS/W2m7viyA1cmoM8P254aljqxg0aVffi0plDzAMqrWOPLTgUqbs5/3BwvP8OqSKC"
    "sssD1ypbqLYcHKzMF+BchVDnXMdtE9d82Ff7TPyua/XBosJgJAZ3zmBg7XAZLHbN6mWxt/"
    "NlOiPGpolUG0+hqru5Re1Hl5PW5aS3/+08vpz0jlQ5IfvJ/IkWROWtzpYrdKqdvGfl0Lz3"
    "Swh+Aw3h7OoCSWzu1U+P+bN5qJshqMHBT1FUKgWpyw+RvA4hDp8zIX/MsWOy6VRqZQJP5l"
    "DnjWe1vbZvViVkLxFj7Xty0iM6Ju/ZFet9ZnzT1jcidBrf5vchRBNJDYATIl1WdeLyWKs5"
    "F3Yix9PuJoZk8z5XWCLqhp0mZbrcA10KZrKlVRWgVAPolNAWwwikkmTRoILVf7GJNAkP5N"
    "0Itgdbwb+dOqX0f4kxXuZmcCrb1peW62xujU5u70vsWJbqSx7uDvaW+bhHEuvxv1FPPLEZ"
    "pgzBMPwoJibkMH5/8fns+p/5ft/3OeFK7/95e36mPWXPhSvqiAvlFvO7QY7FrY4Py2xtIV"
    "tU9pxM5INCChiMPMbsFxzdYWeMHTRm8kSeW+RhgRrGrrZwd73r7AmE2T9t3TT5ZBmci0O0"
    "1sR6sKlh28FZXGDh5yikJamKY4ktwg2rhcVmNVGPxCABn+F6DBY9lYzLZE7FqittG7+uR5"
    "lHRa2QraTMFvvAJib16xpgA4sthigQBeTndDbfBPmGi/1irvjqumm618Q6zK4NpLIRbKWn"
    "VXMatryVRGqdNH9+L7R8kyK9sXsbS1jcU15Y1cqKPjSpOUOiB0geDpFEDHI+bDScmy/YpG"
    "3bvtq2Ogr02XUzWOl1J9OVSA+tvNbDXQC+LNy1w12uw8s8MbCrhrskBlmXwl1UkFEO7RYF"
    "HxXTbhC/U5F2u2E2gaTIizmLQocdJJgKQAGFgLt4Qt7BQSl4J5iL4H5DdT5IpjzBFoIbZh"
    "m6hq+tA5i7MNsMSyg86Kq6TuakTO8gbz5OxZVKu/x2TGOOeU5u4LKCsWuC3eXxBvLH0hXv"
    "ELFdsTxFE+w4TMjpYCbnio0Mk0ps6usSNvV1lk31WD26Omq/VTLJHof1MOqQGqatSmmghP"
    "huiSST8k3SSyXFtphfKj7yZBNMQdrleq6YSGCbwSvS1Kg9tKVMkGOaL7kg9gu+P0QWnc2F"
    "Iqyxd9eB0S7nOjrN4apLx/pKqNsjfRBtslIPHAYfcZUbHILl1A/IPjqlDuVzYgIzVXEv1n"
    "a+DU1JbdIBT4KrqBFusZYii+dFm4WCP/1yTSxcwLCHJt3ZjHSoDNqjDey0F8ilYfW3x4Lk"
    "0lu4Tk9xSk2Ij4Tqc+JaT3ciKcfLJR5nDraMuFLfI0G7Ci94FV6vr8AB3fVYrHrGCGZpaq"
    "jW+fghBTBdqyv1FawoPcIjgUqkYugLSm1Sw2fEo5P5IIccDs8My+hhvGrzED9cDEPDbOxz"
    "qbfzyMCEYu71Xs5WuYEfJfVIViI9dK4dHR9X2V5yfFxSkeQ4E9IkP6oaCIfNe4juYSVK9b"
    "CEUj3MydvPHEHydrkWZ8JNiGw/Fe5ubOnGkt7udHvBn/8P7iQdxQ=="
)
