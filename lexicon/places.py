"""County-level places (县、县级市、市辖区) by their full names, for the 统计表's 县市区 column.

A branch bureau is named after its county without the suffix (株洲市生态环境局醴陵分局,
宿迁市生态环境局泗洪分局) while the monthly table names the county in full (醴陵市, 泗洪县): the
suffix is not guessable (醴陵 is a 县级市, 泗洪 a 县, 高要 a 区), so it is looked up here.

The table holds the counties of the cities the bureaus and the sample generator name, and the
counties of the provinces most of the seed's bureaus are in (湖南, 江西); extend it with
`FULL_NAMES` as new bureaus come in. A name the table does not know is returned as it was given.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Full names, grouped by the city (地级市/自治州) they belong to.
FULL_NAMES: dict[str, tuple[str, ...]] = {
    # 湖南省
    "长沙市": ("芙蓉区", "天心区", "岳麓区", "开福区", "雨花区", "望城区", "长沙县", "浏阳市", "宁乡市"),
    "株洲市": ("荷塘区", "芦淞区", "石峰区", "天元区", "渌口区", "攸县", "茶陵县", "炎陵县", "醴陵市"),
    "湘潭市": ("雨湖区", "岳塘区", "湘潭县", "湘乡市", "韶山市"),
    "衡阳市": ("珠晖区", "雁峰区", "石鼓区", "蒸湘区", "南岳区", "衡阳县", "衡南县", "衡山县", "衡东县", "祁东县",
              "耒阳市", "常宁市"),
    "邵阳市": ("双清区", "大祥区", "北塔区", "新邵县", "邵阳县", "隆回县", "洞口县", "绥宁县", "新宁县",
              "城步苗族自治县", "武冈市", "邵东市"),
    "岳阳市": ("岳阳楼区", "云溪区", "君山区", "岳阳县", "华容县", "湘阴县", "平江县", "汨罗市", "临湘市"),
    "常德市": ("武陵区", "鼎城区", "安乡县", "汉寿县", "澧县", "临澧县", "桃源县", "石门县", "津市市"),
    "张家界市": ("永定区", "武陵源区", "慈利县", "桑植县"),
    "益阳市": ("资阳区", "赫山区", "南县", "桃江县", "安化县", "沅江市"),
    "郴州市": ("北湖区", "苏仙区", "桂阳县", "宜章县", "永兴县", "嘉禾县", "临武县", "汝城县", "桂东县", "安仁县",
              "资兴市"),
    "永州市": ("零陵区", "冷水滩区", "东安县", "双牌县", "道县", "江永县", "宁远县", "蓝山县", "新田县",
              "江华瑶族自治县", "祁阳市"),
    "怀化市": ("鹤城区", "中方县", "沅陵县", "辰溪县", "溆浦县", "会同县", "麻阳苗族自治县", "新晃侗族自治县",
              "芷江侗族自治县", "靖州苗族侗族自治县", "通道侗族自治县", "洪江市"),
    "娄底市": ("娄星区", "双峰县", "新化县", "冷水江市", "涟源市"),
    "湘西土家族苗族自治州": ("吉首市", "泸溪县", "凤凰县", "花垣县", "保靖县", "古丈县", "永顺县", "龙山县"),
    # 江西省
    "南昌市": ("东湖区", "西湖区", "青云谱区", "青山湖区", "新建区", "红谷滩区", "南昌县", "安义县", "进贤县"),
    "景德镇市": ("昌江区", "珠山区", "浮梁县", "乐平市"),
    "萍乡市": ("安源区", "湘东区", "莲花县", "上栗县", "芦溪县"),
    "九江市": ("濂溪区", "浔阳区", "柴桑区", "武宁县", "修水县", "永修县", "德安县", "都昌县", "湖口县", "彭泽县",
              "瑞昌市", "共青城市", "庐山市"),
    "新余市": ("渝水区", "分宜县"),
    "鹰潭市": ("月湖区", "余江区", "贵溪市"),
    "赣州市": ("章贡区", "南康区", "赣县区", "信丰县", "大余县", "上犹县", "崇义县", "安远县", "定南县", "全南县",
              "宁都县", "于都县", "兴国县", "会昌县", "寻乌县", "石城县", "瑞金市", "龙南市"),
    "吉安市": ("吉州区", "青原区", "吉安县", "吉水县", "峡江县", "新干县", "永丰县", "泰和县", "遂川县", "万安县",
              "安福县", "永新县", "井冈山市"),
    "宜春市": ("袁州区", "奉新县", "万载县", "上高县", "宜丰县", "靖安县", "铜鼓县", "丰城市", "樟树市", "高安市"),
    "抚州市": ("临川区", "东乡区", "南城县", "黎川县", "南丰县", "崇仁县", "乐安县", "宜黄县", "金溪县", "资溪县",
              "广昌县"),
    "上饶市": ("信州区", "广丰区", "广信区", "玉山县", "铅山县", "横峰县", "弋阳县", "余干县", "鄱阳县", "万年县",
              "婺源县", "德兴市"),
    # The other cities the bureaus and the sample generator name.
    "宿迁市": ("宿城区", "宿豫区", "沭阳县", "泗阳县", "泗洪县"),
    "南通市": ("崇川区", "通州区", "海门区", "如东县", "启东市", "如皋市", "海安市"),
    "铜仁市": ("碧江区", "万山区", "江口县", "玉屏侗族自治县", "石阡县", "思南县", "印江土家族苗族自治县",
              "德江县", "沿河土家族自治县", "松桃苗族自治县"),
    "黔南布依族苗族自治州": ("都匀市", "福泉市", "荔波县", "贵定县", "瓮安县", "独山县", "平塘县", "罗甸县",
                           "长顺县", "龙里县", "惠水县", "三都水族自治县"),
    "清远市": ("清城区", "清新区", "佛冈县", "阳山县", "连山壮族瑶族自治县", "连南瑶族自治县", "英德市", "连州市"),
    "肇庆市": ("端州区", "鼎湖区", "高要区", "广宁县", "怀集县", "封开县", "德庆县", "四会市"),
    "惠州市": ("惠城区", "惠阳区", "博罗县", "惠东县", "龙门县"),
    "江门市": ("蓬江区", "江海区", "新会区", "台山市", "开平市", "鹤山市", "恩平市"),
    "梅州市": ("梅江区", "梅县区", "大埔县", "丰顺县", "五华县", "平远县", "蕉岭县", "兴宁市"),
    "长治市": ("潞州区", "上党区", "屯留区", "潞城区", "襄垣县", "平顺县", "黎城县", "壶关县", "长子县", "武乡县",
              "沁县", "沁源县"),
    "吕梁市": ("离石区", "文水县", "交城县", "兴县", "临县", "柳林县", "石楼县", "岚县", "方山县", "中阳县",
              "交口县", "孝义市", "汾阳市"),
    "海西蒙古族藏族自治州": ("格尔木市", "德令哈市", "茫崖市", "乌兰县", "都兰县", "天峻县"),
    "盘锦市": ("双台子区", "兴隆台区", "大洼区", "盘山县"),
    "遂宁市": ("船山区", "安居区", "蓬溪县", "大英县", "射洪市"),
    "驻马店市": ("驿城区", "西平县", "上蔡县", "平舆县", "正阳县", "确山县", "泌阳县", "汝南县", "遂平县", "新蔡县"),
    "濮阳市": ("华龙区", "清丰县", "南乐县", "范县", "台前县", "濮阳县"),
    "泰安市": ("泰山区", "岱岳区", "宁阳县", "东平县", "新泰市", "肥城市"),
    "临沂市": ("兰山区", "罗庄区", "河东区", "沂南县", "郯城县", "沂水县", "兰陵县", "费县", "平邑县", "莒南县",
              "蒙阴县", "临沭县"),
    "绍兴市": ("越城区", "柯桥区", "上虞区", "新昌县", "诸暨市", "嵊州市"),
    "台州市": ("椒江区", "黄岩区", "路桥区", "三门县", "天台县", "仙居县", "温岭市", "临海市", "玉环市"),
    "杭州市": ("上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区", "临安区",
              "桐庐县", "淳安县", "建德市"),
    "德阳市": ("旌阳区", "罗江区", "中江县", "广汉市", "什邡市", "绵竹市"),
    "玉林市": ("玉州区", "福绵区", "容县", "陆川县", "博白县", "兴业县", "北流市"),
    "曲靖市": ("麒麟区", "沾益区", "马龙区", "陆良县", "师宗县", "罗平县", "富源县", "会泽县", "宣威市"),
    "宝鸡市": ("渭滨区", "金台区", "陈仓区", "凤翔区", "岐山县", "扶风县", "眉县", "陇县", "千阳县", "麟游县",
              "凤县", "太白县"),
    "天水市": ("秦州区", "麦积区", "清水县", "秦安县", "甘谷县", "武山县", "张家川回族自治县"),
}

_SUFFIXES = ("自治县", "县", "市", "区", "旗")
# An ethnic autonomous county is called by its place name alone: 城步苗族自治县 -> 城步.
_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:[^族]{1,3}族)+自治县$")


def _short(full: str) -> str | None:
    """The name a branch bureau uses: 醴陵市 -> 醴陵; None where that would be one character
    (澧县, 范县: the bureaus keep the 县 and the name is full already)."""
    if m := _AUTONOMOUS.match(full):
        return m.group(1)
    for suffix in _SUFFIXES:
        if full.endswith(suffix):
            short = full[: -len(suffix)]
            return short if len(short) >= 2 else None
    return None


@lru_cache(maxsize=1)
def _tables() -> tuple[frozenset[str], dict[str, str]]:
    """Every full name, and each short name that stands for exactly one of them."""
    fulls = frozenset(name for names in FULL_NAMES.values() for name in names)
    candidates: dict[str, set[str]] = {}
    for full in fulls:
        if (short := _short(full)) is not None:
            candidates.setdefault(short, set()).add(full)
    # 津市 is the full name's short form (津市市) and itself ends in 市: the table decides.
    return fulls, {short: next(iter(found)) for short, found in candidates.items() if len(found) == 1}


def full_county_name(name: str, city: str | None = None) -> str:
    """醴陵 -> 醴陵市, 泗洪 -> 泗洪县, 高要 -> 高要区, 津市 -> 津市市; a full name or a name the table
    does not know comes back as given. `city` settles a short name two cities' counties share."""
    name = name.strip()
    if not name:
        return name
    fulls, shorts = _tables()
    if city:
        for full in FULL_NAMES.get(city, ()):
            if name == full or name == _short(full):
                return full
    if name in fulls:
        return name
    return shorts.get(name, name)
