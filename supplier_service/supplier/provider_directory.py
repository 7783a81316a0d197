"""The provider and pickup address seeded for each of Brazil's 27 federative units."""

# state, state name, capital, CEP of the pickup address, lead time in days (by distance from
# the supplier's hub in the Southeast).
_STATES = (
    ("AC", "Acre", "Rio Branco", "69900-100", 7),
    ("AL", "Alagoas", "Maceió", "57020-050", 5),
    ("AP", "Amapá", "Macapá", "68900-030", 7),
    ("AM", "Amazonas", "Manaus", "69005-040", 6),
    ("BA", "Bahia", "Salvador", "40010-020", 4),
    ("CE", "Ceará", "Fortaleza", "60060-170", 5),
    ("DF", "Distrito Federal", "Brasília", "70040-010", 3),
    ("ES", "Espírito Santo", "Vitória", "29010-120", 2),
    ("GO", "Goiás", "Goiânia", "74003-010", 3),
    ("MA", "Maranhão", "São Luís", "65010-440", 6),
    ("MT", "Mato Grosso", "Cuiabá", "78005-200", 4),
    ("MS", "Mato Grosso do Sul", "Campo Grande", "79002-070", 3),
    ("MG", "Minas Gerais", "Belo Horizonte", "30130-100", 2),
    ("PA", "Pará", "Belém", "66010-020", 6),
    ("PB", "Paraíba", "João Pessoa", "58010-000", 5),
    ("PR", "Paraná", "Curitiba", "80010-010", 2),
    ("PE", "Pernambuco", "Recife", "50010-000", 5),
    ("PI", "Piauí", "Teresina", "64000-040", 5),
    ("RJ", "Rio de Janeiro", "Rio de Janeiro", "20040-002", 1),
    ("RN", "Rio Grande do Norte", "Natal", "59025-000", 5),
    ("RS", "Rio Grande do Sul", "Porto Alegre", "90010-150", 3),
    ("RO", "Rondônia", "Porto Velho", "76801-030", 6),
    ("RR", "Roraima", "Boa Vista", "69301-070", 8),
    ("SC", "Santa Catarina", "Florianópolis", "88010-400", 2),
    ("SP", "São Paulo", "São Paulo", "01310-100", 1),
    ("SE", "Sergipe", "Aracaju", "49010-020", 5),
    ("TO", "Tocantins", "Palmas", "77001-002", 5),
)

BRAZILIAN_STATES = tuple(state for state, *_ in _STATES)

PROVIDERS: tuple[dict, ...] = tuple(
    {
        "state": state,
        "provider_name": f"Distribuidora {name}",
        "street": "Avenida Industrial",
        "number": str(100 + index * 10),
        "complement": "Galpão 2",
        "district": "Distrito Industrial",
        "city": capital,
        "zip_code": zip_code,
        "country": "BR",
        "lead_time_days": lead_time_days,
    }
    for index, (state, name, capital, zip_code, lead_time_days) in enumerate(_STATES)
)
